"""Monthly data-quality sampling: a random, reproducible draw per department and month,
drawn once; each sampled record's outcome recorded by a reviewer and journaled; the
sample listed in the UI, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.customers.models import Customer
from caseledger.journal.models import Entry
from caseledger.journal.verify import verify_chain
from caseledger.privacy import services, tasks
from caseledger.privacy.models import QualityCheck, QualitySample
from caseledger.privacy.quality import quality_samples
from caseledger.vault.masking import display_name
from tests.factories import make_customer

NOON = dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)  # noon in Shanghai


@pytest.fixture
def crowd(people):
    sales = [make_customer(people.agent, people.sales) for _ in range(30)]
    service = [make_customer(people.outsider, people.service) for _ in range(4)]
    return sales, service


def test_the_worker_draws_a_random_sample_per_department_once_a_month(settings, people, crowd):
    settings.QUALITY_SAMPLE_SIZE = 7
    sales, _ = crowd
    with clock.frozen(NOON):
        first = tasks.quality_sample()
        again = tasks.quality_sample()
    assert first == again == {"month": "2026-03-01", "samples": 2}
    samples = {s.department.code: s for s in QualitySample.objects.all()}
    assert set(samples) == {"sales", "service"}
    assert QualitySample.objects.count() == 2  # drawn once: the second run changed nothing
    assert Entry.objects.filter(action="privacy.quality_sample").count() == 2

    drawn = sorted(samples["sales"].checks.values_list("customer_id", flat=True))
    assert len(drawn) == 7 and set(drawn) <= {c.pk for c in sales}
    # The kept seed repeats the draw from the population: random, not hand-picked.
    population = sorted(c.pk for c in sales)
    assert samples["sales"].population == 30
    assert drawn == sorted(random.Random(samples["sales"].seed).sample(population, 7))
    # A department smaller than the sample size is checked whole.
    assert samples["service"].checks.count() == 4

    entry = Entry.objects.filter(action="privacy.quality_sample").order_by("seq").first()
    state = json.loads(entry.payload.body)["state"]
    assert sorted(state["customers"]) == sorted(
        QualitySample.objects.get(pk=entry.object_id).checks.values_list("customer_id", flat=True)
    )

    with clock.frozen(NOON + dt.timedelta(days=31)):
        services.quality_sample_draw(actor=None)
    assert QualitySample.objects.count() == 4  # April is a new month
    assert verify_chain().ok


def test_merged_and_restricted_customers_are_not_drawn(people, crowd):
    sales, _ = crowd
    Customer.objects.filter(pk=sales[0].pk).update(restricted_at=clock.now())
    Customer.objects.filter(pk=sales[1].pk).update(merged_into=sales[2], merged_at=clock.now())
    [sample] = services.quality_sample_draw(
        actor=people.supervisor, department=people.sales, size=1000
    )
    drawn = set(sample.checks.values_list("customer_id", flat=True))
    assert sample.population == 28
    assert sales[0].pk not in drawn and sales[1].pk not in drawn


def test_only_reviewers_draw_and_bad_input_is_named(people, crowd):
    with pytest.raises(PermissionDenied):
        services.quality_sample_draw(actor=people.agent)
    with pytest.raises(PermissionDenied):
        services.quality_sample_draw(actor=people.supervisor, department=people.service)
    with pytest.raises(ValidationFailed, match="not a month") as bad:
        services.quality_sample_draw(actor=people.compliance, month="2026-13")
    assert bad.value.field == "month"
    with pytest.raises(ValidationFailed, match="future month"):
        services.quality_sample_draw(actor=people.compliance, month="2099-01")
    with pytest.raises(ValidationFailed) as size:
        services.quality_sample_draw(actor=people.compliance, size=0)
    assert size.value.field == "size"
    assert not QualitySample.objects.exists()

    # A supervisor draws for the departments supervised only.
    drawn = services.quality_sample_draw(actor=people.supervisor)
    assert [s.department.code for s in drawn] == ["sales"]
    assert drawn[0].drawn_by == people.supervisor


def test_a_reviewer_records_each_outcome_once_with_a_note(people, crowd):
    [sample] = services.quality_sample_draw(actor=people.supervisor, size=3)
    ok, fixed, unknown = sample.checks.order_by("id")

    with pytest.raises(PermissionDenied):
        services.quality_check_record(actor=people.agent, check=ok, outcome="ok")
    with pytest.raises(PermissionDenied):
        services.quality_check_record(actor=people.outsider, check=ok, outcome="ok")
    with pytest.raises(ValidationFailed) as bad:
        services.quality_check_record(actor=people.supervisor, check=ok, outcome="fine")
    assert bad.value.field == "outcome"
    with pytest.raises(ValidationFailed) as no_note:
        services.quality_check_record(actor=people.supervisor, check=fixed, outcome="corrected")
    assert no_note.value.field == "note"

    services.quality_check_record(actor=people.supervisor, check=ok, outcome="ok")
    services.quality_check_record(
        actor=people.compliance, check=fixed, outcome="corrected", note="phone had a typo"
    )
    services.quality_check_record(
        actor=people.supervisor, check=unknown, outcome="unverifiable", note="no answer"
    )
    with pytest.raises(Conflict):
        services.quality_check_record(
            actor=people.compliance, check=ok, outcome="corrected", note="x"
        )

    fixed.refresh_from_db()
    assert (fixed.outcome, fixed.note, fixed.reviewer) == (
        "corrected",
        "phone had a typo",
        people.compliance,
    )
    entries = Entry.objects.filter(action="privacy.quality_check").order_by("seq")
    assert [e.root for e in entries] == [f"customer:{c.customer_id}" for c in (ok, fixed, unknown)]
    body = json.loads(entries[1].payload.body)
    assert body["changes"]["outcome"] == ["pending", "corrected"]
    assert entries[1].reason == "phone had a typo"
    [listed] = quality_samples(actor=people.supervisor)
    assert (listed.checked, listed.total) == (3, 3)
    assert list(quality_samples(actor=people.outsider)) == []


def test_the_page_lists_samples_and_records_an_outcome(people, crowd):
    client = Client()
    client.force_login(people.supervisor)
    page = client.get("/privacy/quality/")
    assert page.status_code == 200
    assert "No sample has been drawn" in page.content.decode()

    drawn = client.post("/privacy/quality/draw/", {"month": ""})
    assert drawn.status_code == 302
    check = QualityCheck.objects.order_by("id").first()
    page = client.get("/privacy/quality/").content.decode()
    assert display_name(check.customer) in page and check.customer.name not in page
    assert f"/privacy/quality/{check.pk}/" in page

    client.post(f"/privacy/quality/{check.pk}/", {"outcome": "corrected", "note": "new address"})
    check.refresh_from_db()
    assert check.outcome == "corrected" and check.reviewer == people.supervisor
    refused = client.post(f"/privacy/quality/{check.pk}/", {"outcome": "ok"}, follow=True)
    assert "already recorded" in refused.content.decode()

    # An agent sees the sample of the department but gets no forms and no draw button.
    agent = Client()
    agent.force_login(people.agent)
    seen = agent.get("/privacy/quality/").content.decode()
    assert display_name(check.customer) in seen and "/privacy/quality/draw/" not in seen
    assert f'action="/privacy/quality/{check.pk}/"' not in seen


def test_the_api_draws_lists_and_records(people, crowd):
    from caseledger.accounts.services import token_create

    _, secret = token_create(
        actor=people.admin, user=people.supervisor, name="qa", scopes=["customers:approve"]
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()
    drawn = client.post(
        "/api/v1/quality/samples", {"department": "sales"}, content_type="application/json", **auth
    )
    assert drawn.status_code == 200, drawn.content
    [sample] = drawn.json()
    assert sample["department"] == "sales" and len(sample["checks"]) == 20

    check = sample["checks"][0]
    recorded = client.post(
        f"/api/v1/quality/checks/{check['id']}",
        {"outcome": "unverifiable", "note": "customer unreachable"},
        content_type="application/json",
        **auth,
    )
    assert recorded.status_code == 200 and recorded.json()["outcome"] == "unverifiable"
    listed = client.get("/api/v1/quality/samples", **auth).json()
    assert [c["outcome"] for c in listed[0]["checks"]].count("unverifiable") == 1
    bad = client.get("/api/v1/quality/samples?month=March", **auth)
    assert bad.status_code == 422 and "YYYY-MM" in bad.content.decode()

    _, read_only = token_create(
        actor=people.admin, user=people.supervisor, name="ro", scopes=["customers:read"]
    )
    refused = client.post(
        f"/api/v1/quality/checks/{sample['checks'][1]['id']}",
        {"outcome": "ok"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {read_only}",
    )
    assert refused.status_code == 403


def test_the_cli_samples_and_lists(people, crowd):
    out = StringIO()
    call_command("quality", "sample", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {r["department"] for r in rows} == {"sales", "service"}
    out = StringIO()
    call_command("quality", "list", stdout=out)
    assert "sales" in out.getvalue() and "pending 20" in out.getvalue()


def quality_calls(people, customer) -> dict:
    """The sampling services for tests/test_every_service_journals.py."""

    def record():
        sample = QualitySample.objects.filter(department=people.sales).first()
        if sample is None:
            [sample] = services.quality_sample_draw(actor=people.supervisor)
        check = sample.checks.filter(outcome="pending").first()
        return services.quality_check_record(actor=people.supervisor, check=check, outcome="ok")

    return {
        # Last month: record() may already have drawn this month's, and a second draw of
        # the same month changes (and journals) nothing.
        "caseledger.privacy.services.quality_sample_draw": lambda: services.quality_sample_draw(
            actor=people.supervisor, month=clock.now().date().replace(day=1) - dt.timedelta(days=1)
        ),
        "caseledger.privacy.services.quality_check_record": record,
    }
