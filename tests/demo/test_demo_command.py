"""`caseledger demo`: a small load on the test database, checked the way an auditor would."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import phonenumbers
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import ROLE_VALUES
from caseledger.cases.models import Case, CaseNote, ReferenceCounter
from caseledger.cases.services import case_create, case_state
from caseledger.core import clock
from caseledger.core.state import model_state
from caseledger.customers.models import ContactPoint, Customer
from caseledger.customers.services import customer_state
from caseledger.demo.load import YEARS_OF_HISTORY
from caseledger.demo.workday import SCRIPTED_CASES
from caseledger.journal import checkpoints
from caseledger.journal.bulk import create_body
from caseledger.journal.models import Entry
from caseledger.journal.verify import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

CASES = 300


def run_demo(*args: str) -> str:
    """Without the first archive run: stubs are the archive's to check (and
    test_demo_protections checks the demo makes some)."""
    out = StringIO()
    call_command(
        "demo", "--cases", str(CASES), "--no-progress", "--archive", "0", *args, stdout=out
    )
    return out.getvalue()


def bodies(object_type: str) -> dict[str, str]:
    entries = Entry.objects.filter(object_type=object_type, action__endswith="create")
    notes = Entry.objects.filter(object_type=object_type, action="case.note")
    return {e.object_id: e.payload.body for e in (entries | notes).select_related("payload")}


def as_created(state: dict) -> dict:
    """A customer's state before its identifiers were added (each add is its own entry,
    as identifier_add writes it; test_demo_protections checks those)."""
    identifiers = state.pop("identifiers", None)
    if identifiers:
        state["version"] = 1
        state["updated_at"] = state["created_at"]
    return state


def test_demo_fills_an_empty_database_and_journals_every_record(monkeypatch):
    monkeypatch.setenv("CASELEDGER_DEMO_PASSWORD", "demo-password-for-tests")

    output = run_demo("--seed", "3")

    # Given the people the demo prints, every role can log in with the one password.
    assert Department.objects.count() == 4
    roles = Counter(r for user in User.objects.all() for r in user.roles)
    assert set(roles) == set(ROLE_VALUES)
    assert "demo-password-for-tests" in output
    assert "sales.agent1" in output
    agent = User.objects.get(username="sales.agent1")
    assert agent.check_password("demo-password-for-tests")

    assert Case.objects.count() == CASES
    assert Customer.objects.count() == max(20, CASES // 5)
    assert ContactPoint.objects.count() >= Customer.objects.count()

    # Every record has its create entry, whose payload is exactly what the services write
    # (the working day's scripted cases are made and moved by the services themselves).
    scripted = set(Case.objects.filter(subject__startswith="DEMO ").values_list("pk", flat=True))
    assert len(scripted) == SCRIPTED_CASES
    for object_type, model, state in (
        ("case", Case, case_state),
        ("customer", Customer, customer_state),
        ("case_note", CaseNote, model_state),
    ):
        journaled = bodies(object_type)
        rows = list(model.objects.all())
        assert len(journaled) == len(rows), object_type
        for row in rows:
            if row.pk in scripted and object_type == "case":
                continue
            assert journaled[str(row.pk)] == create_body(as_created(state(row))), (
                object_type,
                row.pk,
            )
    loaded = Entry.objects.filter(object_type="case").exclude(object_id__in=map(str, scripted))
    assert set(loaded.values_list("actor_name", "via")) == {("system", "cli")}
    assert CaseNote.objects.exists()

    report = verify_chain()
    assert report.ok, report.problems
    logged = checkpoints.read_log().checkpoints
    assert [c.seq for c in logged] == [report.head_seq]
    assert logged[0].hash == report.head_hash


def test_demo_data_is_plausible(monkeypatch):
    run_demo("--seed", "4")
    cases = list(Case.objects.select_related("assignee", "customer"))
    now = clock.now()

    # References follow the counters: CL-<year>-NNNNNN, numbered by arrival within a year
    # (the working day's scripted cases, some backdated, after the loaded ones).
    by_year: dict[int, list[int]] = {}

    def arrival(c: Case) -> tuple:
        scripted = c.subject.startswith("DEMO ")
        return (scripted, c.created_at if scripted else c.received_at)

    for case in sorted(cases, key=arrival):
        _, year, number = case.reference.split("-")
        local_year = case.received_at.astimezone(dt.timezone(dt.timedelta(hours=8))).year
        assert int(year) == local_year
        by_year.setdefault(int(year), []).append(int(number))
    counters = dict(ReferenceCounter.objects.values_list("year", "last"))
    for year, numbers in by_year.items():
        assert numbers == list(range(1, len(numbers) + 1))
        assert counters[year] == len(numbers)
    first_year = now.astimezone(dt.timezone(dt.timedelta(hours=8))).year - YEARS_OF_HISTORY
    assert min(by_year) == first_year and len(by_year) >= 6

    old = [c for c in cases if now - c.received_at > dt.timedelta(days=120)]
    assert sum(c.status == "closed" for c in old) / len(old) > 0.9
    for case in cases:
        assert case.received_at <= case.created_at <= case.updated_at <= now
        assert case.customer.department_id == case.department_id
        if case.assignee is not None:
            assert case.assignee.department_id == case.department_id
        if case.status == "closed":
            assert case.closed_at is not None and case.resolution and case.root_cause
        else:
            assert case.closed_at is None
    assert any(c.status != "closed" for c in cases if now - c.received_at < dt.timedelta(days=7))
    assert {c.kind for c in cases} >= {"complaint", "sales_objection", "inquiry", "dispute"}
    assert any("\u4e00" <= c.subject[0] <= "\u9fff" for c in cases)  # Chinese subjects
    assert any(c.subject.isascii() for c in cases)  # and English ones

    for point in ContactPoint.objects.filter(kind="phone"):
        assert phonenumbers.is_valid_number(phonenumbers.parse(point.value, "CN"))
    assert Customer.objects.filter(kind="organisation").exists()


def test_running_demo_twice_is_refused_unless_forced():
    run_demo()
    head = Entry.objects.order_by("-seq").first().seq

    with pytest.raises(CommandError, match=r"already holds 300 case.*--force"):
        run_demo()
    assert Case.objects.count() == CASES
    assert Entry.objects.order_by("-seq").first().seq == head

    output = run_demo("--force", "--seed", "2")
    assert Case.objects.count() == 2 * CASES
    assert "Kept existing users" in output
    assert Case.objects.values("reference").distinct().count() == 2 * CASES
    assert verify_chain().ok


def test_services_carry_on_after_the_demo():
    run_demo()
    agent = User.objects.get(username="service.agent1")
    customer = Customer.objects.filter(department=agent.department).first()

    case = case_create(
        actor=agent,
        data={
            "kind": "complaint",
            "channel": "email",
            "category": "service",
            "subject": "After the demo",
            "department": agent.department_id,
            "customer": customer.pk,
        },
    )

    # The id sequence and the reference counter both moved past the bulk rows.
    assert case.pk > Case.objects.exclude(pk=case.pk).order_by("-pk").first().pk
    year = int(case.reference.split("-")[1])
    assert ReferenceCounter.objects.get(year=year).last == int(case.reference.split("-")[2])
    assert verify_chain().ok


def test_same_seed_gives_the_same_data(settings, tmp_path):
    def snapshot() -> list[tuple]:
        return list(  # the working day's scripted cases are received now, whenever that is
            Case.objects.exclude(subject__startswith="DEMO ")
            .order_by("reference")
            .values_list("reference", "subject", "status", "received_at", "customer__name")
        )

    run_demo("--seed", "11")
    first = snapshot()
    call_command("flush", interactive=False, verbosity=0)
    settings.JOURNAL_CHECKPOINT_LOG = tmp_path / "second" / "checkpoints.jsonl"
    # A flushed database is a new journal: its signer starts with no memory either (on the
    # same memory it would rightly refuse: the history it signed is gone).
    settings.JOURNAL_SIGNER_MEMORY_FILE = str(tmp_path / "second" / "signed.json")
    run_demo("--seed", "11")
    again = snapshot()
    call_command("flush", interactive=False, verbosity=0)
    settings.JOURNAL_CHECKPOINT_LOG = tmp_path / "third" / "checkpoints.jsonl"
    # A flushed database is a new journal: its signer starts with no memory either (on the
    # same memory it would rightly refuse: the history it signed is gone).
    settings.JOURNAL_SIGNER_MEMORY_FILE = str(tmp_path / "third" / "signed.json")
    run_demo("--seed", "12")
    other = snapshot()

    assert again == first
    assert [row[1] for row in other] != [row[1] for row in first]


def test_a_chinese_operator_reads_the_whole_demo_report_in_chinese():
    # `make run` speaks zh-Hans by default: the sign-in block and the figures above it.
    output = run_demo("--lang", "zh-Hans")
    assert "演示用户：" in output and "以上用户共用的密码（自动生成，只在此显示一次）：" in output
    assert "Demo users" not in output and "Password for all of them" not in output
    assert "已创建" in output and "保留期限：" in output and "共用时" in output
    for english in ("Created ", "Retention:", "Templates:", "Absent:", "Checkpoint", "Total "):
        assert english not in output, english
    assert "计时中" in output  # the clock examples' words too
    assert "轮流分派" in output and "银行" in output  # strategies and industries in words
    for code in ("round_robin", "least_open", "banking", "e-commerce", "records_manager"):
        assert code not in output, code


def test_after_the_demo_the_public_form_is_open_and_files_to_customer_service(settings):
    from django.test import Client

    from caseledger.intake.form.account import form_department

    settings.INTAKE_FORM_DEPARTMENT = ""
    run_demo()
    assert form_department().code == "service"
    assert 'name="consent"' in Client().get("/complain/").content.decode()
