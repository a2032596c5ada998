"""Anonymizing a customer reaches every record that carries their personal data: their
cases' free text, notes and communications, attachments, the customers merged into them,
the stored API replies and every derived copy; the journal payloads of all of them are
redacted; what reports count stays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from caseledger.cases import storage
from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.core import erasure
from caseledger.core.errors import NotFound
from caseledger.customers.models import Customer
from caseledger.disposition import services as disp
from caseledger.journal.models import Entry, Payload
from caseledger.journal.verify import verify_chain
from caseledger.retention.models import RecordRetention
from tests.disposition import markers
from tests.disposition.conftest import make_schedule, recompute
from tests.factories import make_customer


@pytest.fixture
def erased():
    """A derived copy registered like the search index registers its own: what it is
    asked to erase."""
    seen: list[erasure.Erasure] = []
    erasure.register("test-copy", seen.append)
    yield seen
    erasure._handlers.pop("test-copy", None)


def _anonymize_customer(people, customer):
    schedule = make_schedule(people, "anonymize", record_kind="customer", code="cust-anon")
    recompute(people)
    batch = disp.disposition_propose(
        actor=people.records_manager, schedule=schedule, records=[customer.pk], action="anonymize"
    )
    disp.disposition_approve(actor=people.compliance, batch=batch)
    return disp.disposition_execute(actor=people.records_manager, batch=batch)


def test_anonymizing_a_customer_leaves_no_marker_in_any_row_of_theirs(
    people, customer, erased, settings
):
    from caseledger.customers.services import customer_merge

    planted = markers.plant(people, customer)
    twin = make_customer(people.agent, people.sales, name=f"Twin {markers.new('twin')}")
    planted["twin"] = twin.name.split()[-1]
    planted.update({f"twin-{k}": v for k, v in markers.plant(people, twin, cases=1).items()})
    customer_merge(actor=people.agent, survivor=customer, merged=twin, reason="same person")
    cases = list(Case.objects.filter(customer__in=[customer, twin]).order_by("pk"))
    assert len(cases) == 3
    shas = set(Attachment.objects.values_list("sha256", flat=True))
    files = Path(settings.ATTACHMENTS_DIR)
    for place, marker in planted.items():
        found = markers.bytes_holding(marker, files) if "content" in place else None
        assert found or markers.rows_holding(marker), f"{marker} was never planted"
    before = {c.pk: (c.category, c.kind, c.channel, c.status, c.department_id) for c in cases}
    received = {c.pk: c.received_at for c in cases}

    batch = _anonymize_customer(people, customer)

    own = batch.items.get(record_type="customer", record_id=customer.pk)
    assert own.status == "done"
    # Every case (and merged customer) it reached is on the certificate too.
    reached = batch.items.exclude(pk=own.pk)
    assert {(i.record_type, i.record_id) for i in reached} >= {("case", pk) for pk in before}
    assert all(i.status == "done" and "reached through" in i.note for i in reached)
    leftover = {
        m: markers.rows_holding(m) + markers.bytes_holding(m, files) for m in planted.values()
    }
    assert {m: where for m, where in leftover.items() if where} == {}
    for case in Case.objects.filter(pk__in=before):
        assert (case.category, case.kind, case.channel, case.status, case.department_id) == (
            before[case.pk]
        )
        assert case.received_at == received[case.pk]
        assert case.subject == "[anonymized]" and case.description == ""
    assert CaseNote.objects.filter(case__in=cases).count() == 9  # counts kept
    assert Attachment.objects.filter(case__in=cases).count() == 3
    assert set(Attachment.objects.values_list("filename", flat=True)) == {"[anonymized]"}
    assert not any(storage.path_for(sha).exists() for sha in shas)
    twin.refresh_from_db()
    assert twin.name.startswith("anon-") and not twin.contact_points.exists()

    roots = [f"case:{c.pk}" for c in cases] + [f"customer:{customer.pk}", f"customer:{twin.pk}"]
    older = Payload.objects.filter(entry__root__in=roots).exclude(
        entry__action="disposition.anonymized_state"
    )
    assert older.exists() and not older.filter(body__isnull=False).exists()
    assert set(older.values_list("redaction_ref", flat=True)) == {
        f"disposition {batch.certificate_number}"
    }
    states = Entry.objects.filter(action="disposition.anonymized_state")
    assert {(e.object_type, e.object_id) for e in states} == {
        ("customer", str(customer.pk)),
        ("customer", str(twin.pk)),
        *(("case", str(c.pk)) for c in cases),
    }
    done = Entry.objects.get(
        action="disposition.anonymize", object_type="customer", object_id=str(customer.pk)
    )
    assert done.payload.body is not None and str(cases[0].pk) in done.payload.body
    assert verify_chain().ok

    assert [(e.mode, e.case_ids, e.customer_ids) for e in erased] == [
        ("anonymize", frozenset(c.pk for c in cases), frozenset({customer.pk, twin.pk}))
    ]
    with pytest.raises(NotFound, match="anonymized"):
        from caseledger.cases.queries import attachment_get

        attachment_get(actor=people.agent, attachment_id=Attachment.objects.first().pk)


def test_a_stored_api_reply_naming_the_case_is_forgotten(people, customer):
    from tests.api.conftest import ApiClient

    client = ApiClient(people.agent)
    marker = markers.new("api")
    made = client.post(
        "/cases",
        {
            "kind": "complaint",
            "channel": "phone",
            "category": "billing",
            "subject": f"Subject {marker}",
            "department": people.sales.pk,
            "customer": customer.pk,
        },
        key="k-1",
    )
    assert made.status_code == 201, made.content
    noted = markers.new("apinote")
    reference = made.json()["reference"]
    note = client.post(f"/cases/{reference}/notes", {"body": f"Note {noted}"}, key="k-2")
    assert note.status_code == 201, note.content
    for found in (marker, noted):
        assert "api_idempotencykey.response_body" in markers.rows_holding(found)
    _anonymize_customer(people, customer)
    assert markers.rows_holding(marker) == [] and markers.rows_holding(noted) == []


def test_destroying_a_case_erases_its_derived_copies(people, due_cases, erased):
    schedule, made = due_cases
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.compliance, batch=batch)
    disp.disposition_execute(actor=people.records_manager, batch=batch)
    assert sorted((e.mode, *e.case_ids) for e in erased) == sorted(("destroy", c.pk) for c in made)


def test_a_deletion_request_ends_with_the_cases_anonymized(people, customer):
    """PIPL Art 47: a request whose outcome is anonymization, carried out through review."""
    from caseledger.core import clock
    from caseledger.privacy import services as privacy
    from caseledger.retention.services import schedule_create

    schedule = schedule_create(
        actor=people.records_manager,
        code="cust-anon",
        data={
            "name": "Customer identity records",
            "record_kind": "customer",
            "period_years": 0,
            "period_days": 1,
            "triggers": ["created"],
            "action": "anonymize",
            "legal_source": "PIPL Art 19",
        },
    )
    planted = markers.plant(people, customer, cases=1)
    request = privacy.privacy_request_open(
        actor=people.compliance, customer=customer, kind="deletion"
    )
    with clock.frozen(clock.now() + dt.timedelta(days=3)):
        done = privacy.privacy_request_complete(
            actor=people.compliance, request=request, outcome="no legal duty to keep"
        )
        assert "anonymization required" in done.outcome
        row = RecordRetention.objects.get(record_type="customer", record_id=customer.pk)
        assert row.state == "due"
        batch = disp.disposition_propose(
            actor=people.records_manager, schedule=schedule, records=[customer.pk]
        )
        disp.disposition_approve(actor=people.compliance, batch=batch)
        disp.disposition_execute(actor=people.records_manager, batch=batch)
    assert Customer.objects.get(pk=customer.pk).name.startswith("anon-")
    assert {m: markers.rows_holding(m) for m in planted.values() if markers.rows_holding(m)} == {}


def test_a_hold_on_one_of_its_cases_keeps_the_whole_customer(people, customer):
    from caseledger.retention.services import hold_place

    planted = markers.plant(people, customer, cases=2)
    held = Case.objects.filter(customer=customer).order_by("pk").last()
    hold_place(
        actor=people.records_manager,
        matter="Regulator inquiry 2026-71",
        reason="r",
        scope="cases",
        cases=[held.pk],
    )
    batch = _anonymize_customer(people, customer)
    item = batch.items.get(record_type="customer", record_id=customer.pk)
    assert item.status == "skipped" and batch.items.count() == 1
    assert held.reference in item.note and "Regulator inquiry 2026-71" in item.note
    customer.refresh_from_db()
    assert not customer.name.startswith("anon-")
    assert all(markers.rows_holding(m) for k, m in planted.items() if "content" not in k)
