"""`caseledger retention run` / retention.lifecycle: deadlines, reminders, archive and
approved dispositions in one run that a second run finds nothing left to do in."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management.base import CommandError

from caseledger.archive.models import ArchiveSegment
from caseledger.cases.models import Case
from caseledger.cases.services import case_update
from caseledger.core import clock
from caseledger.disposition import services as disp
from caseledger.disposition.models import BatchStatus, DispositionCertificate
from caseledger.journal.models import Entry
from caseledger.retention import lifecycle, tasks
from caseledger.retention.models import RecordRetention, Reminder
from caseledger.retention.services import retention_recompute, schedule_create
from tests.cli.helpers import run
from tests.factories import make_case

TODAY = dt.date(2026, 11, 22)
LONG_AGO = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)

# Written against TODAY: the fixtures are dated on it too.
pytestmark = pytest.mark.clock(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC))


@pytest.fixture(autouse=True)
def stores(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.ARCHIVE_DIR = tmp_path / "data" / "archive"
    settings.ARCHIVE_S3 = {"bucket": None}
    settings.ARCHIVE_AFTER_DAYS = 365
    settings.DISPOSITIONS_DIR = tmp_path / "dispositions"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def estate(people, customer):
    """Demo-like: complaints from 2024 due for destruction under a one-year schedule, in an
    approved batch; an inquiry closed in 2024 and untouched since (archivable); an open
    dispute due soon (a reminder); a recent case with nothing to do."""
    schedule = schedule_create(
        actor=people.records_manager,
        data={
            "name": "Complaints, destroy",
            "record_kind": "case",
            "case_kind": "complaint",
            "period_years": 1,
            "triggers": ["created"],
            "action": "destroy",
            "legal_source": "PIPL Art 19; test source",
        },
        code="complaints-destroy",
    )
    schedule_create(
        actor=people.records_manager,
        data={
            "name": "Disputes, review",
            "record_kind": "case",
            "case_kind": "dispute",
            "period_years": 2,
            "triggers": ["created"],
            "action": "review",
            "legal_source": "Civil Code Art 188; test source",
        },
        code="disputes-review",
    )
    with clock.frozen(LONG_AGO):
        due = [make_case(people.agent, customer, subject=f"旧投诉 {i}") for i in range(2)]
        inquiry = make_case(people.agent, customer, kind="inquiry", subject="Old question")
        inquiry = case_update(
            actor=people.agent,
            case=inquiry,
            data={"status": "closed", "resolution": "Answered by phone."},
        )
    with clock.frozen(dt.datetime(2024, 12, 10, 9, 0, tzinfo=dt.UTC)):
        soon = make_case(people.agent, customer, kind="dispute", subject="Dispute due soon")
    recent = make_case(people.agent, customer, kind="inquiry", subject="New question")
    retention_recompute(actor=None, on=TODAY)
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.supervisor, batch=batch, reason="checked")
    return {"due": due, "inquiry": inquiry, "soon": soon, "recent": recent, "batch": batch}


def _snapshot() -> dict:
    return {
        "deadlines": sorted(
            RecordRetention.objects.values_list(
                "record_type", "record_id", "schedule_id", "trigger_on", "due_on", "state"
            )
        ),
        "cases": sorted(
            Case.objects.values_list("pk", "version", "updated_at", "archived_at", "status")
        ),
        "segments": sorted(ArchiveSegment.objects.values_list("name", "state")),
        "reminders": Reminder.objects.count(),
        "certificates": DispositionCertificate.objects.count(),
        "record_entries": Entry.objects.filter(object_type__in=("case", "customer")).count(),
    }


def test_a_run_archives_old_closed_cases_and_executes_approved_dispositions(people, estate):
    result = lifecycle.lifecycle_run(actor=people.records_manager, on=TODAY, batch_size=2)

    assert result["archive"]["archived"] == 1 and result["archive"]["segments"] == 1
    assert Case.objects.get(pk=estate["inquiry"].pk).archived_at is not None
    assert result["disposition"]["batches"] == 1
    assert not Case.objects.filter(pk__in=[c.pk for c in estate["due"]]).exists()
    estate["batch"].refresh_from_db()
    assert estate["batch"].status == BatchStatus.DONE
    assert result["disposition"]["certificates"] == [estate["batch"].certificate_number]
    assert result["reminders"]["created"] == 2  # sam (sales) and rita, for the dispute
    reminded = set(Reminder.objects.values_list("record_id", flat=True))
    assert reminded == {estate["soon"].pk}
    recent = Case.objects.get(pk=estate["recent"].pk)
    assert recent.archived_at is None and recent.version == estate["recent"].version
    assert result["recompute"]["in_review"] == 2  # the batch's, not yet destroyed then


def test_a_second_run_changes_nothing(people, estate):
    first = lifecycle.lifecycle_run(actor=None, on=TODAY)
    before = _snapshot()

    second = lifecycle.lifecycle_run(actor=None, on=TODAY)

    assert first["archive"]["archived"] == 1 and first["disposition"]["batches"] == 1
    assert second["archive"]["archived"] == 0 and second["archive"]["segments"] == 0
    assert second["reminders"]["created"] == 0 and second["reminders"].get("emails", 0) == 0
    assert second["disposition"] == {"batches": 0, "certificates": []}
    assert _snapshot() == before


def test_the_command_prints_the_counts_and_json_has_every_step(people, estate):
    text = run("retention", "run", "--on", "2026-11-22", "--batch-size", "50", "--no-progress")
    assert "archive      1 case(s) in 1 segment(s)" in text.out
    assert estate["batch"].__class__.objects.get().certificate_number in text.out

    data = run("retention", "run", "--on", "2026-11-22", "--json").json()

    assert set(data) == {"on", "recompute", "reminders", "archive", "disposition"}
    assert data["on"] == "2026-11-22"
    assert data["archive"]["archived"] == 0 and "segment_names" not in data["archive"]
    assert data["disposition"] == {"batches": 0, "certificates": []}
    assert data["reminders"]["created"] == 0
    assert sum(data["recompute"].values()) == Case.objects.count() + 1  # + the customer
    json.dumps(data)  # plain data only


def test_bad_input_is_named(people):
    with pytest.raises(CommandError, match="not a date"):
        run("retention", "run", "--on", "22/11/2026")
    with pytest.raises(CommandError, match="batch_size: must be 1 to 100000"):
        run("retention", "run", "--batch-size", "0")
    with pytest.raises(CommandError, match="do not allow you to"):
        run("retention", "run", "--as", "alice")


def test_two_runs_never_overlap(people, estate):
    with lifecycle.exclusive():
        with pytest.raises(CommandError, match="retention-run is already running"):
            run("retention", "run", "--no-progress")
        assert tasks.lifecycle() == {"skipped": "a retention run is already running"}
    assert Case.objects.filter(archived_at__isnull=False).count() == 0
    result = tasks.lifecycle()  # the worker's daily job, once the lock is free
    assert result["archive"]["archived"] == 1


def test_the_worker_has_exactly_one_daily_lifecycle_job():
    from django.utils.module_loading import autodiscover_modules
    from huey.api import PeriodicTask
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    periodic = {
        task.__name__
        for task in HUEY._registry._registry.values()
        if issubclass(task, PeriodicTask)
    }
    assert "retention.run" in periodic
    daily = {"retention.recompute", "retention.reminders", "archive.run", "retention.run"}
    assert periodic & daily == {"retention.run"}


def test_plan_changes_nothing(people, estate):
    before = (_snapshot(), Entry.objects.count())
    plan = run("retention", "plan", "--on", "2026-11-22", "--json").json()
    assert plan["by_state"]
    assert (_snapshot(), Entry.objects.count()) == before
