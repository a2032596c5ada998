"""Disposition services: who may propose, approve, reject and extend; what destroy and
anonymize leave behind; holds; certificates kept forever; the recompute honouring it all."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import DatabaseError, connection, transaction

from caseledger.cases import storage
from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.cases.services import case_state
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.customers.models import ContactPoint, Customer
from caseledger.disposition import certificates
from caseledger.disposition import services as disp
from caseledger.disposition.models import (
    BatchStatus,
    DispositionCertificate,
    DispositionItem,
    ItemStatus,
)
from caseledger.disposition.queries import review_list
from caseledger.journal.models import Entry, Payload
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from caseledger.retention.errors import Held
from caseledger.retention.models import LifecycleState, RecordRetention
from caseledger.retention.services import hold_place, hold_release
from tests.disposition.conftest import later, make_schedule, recompute
from tests.factories import make_case, make_customer


def _state(record_type, record_id):
    return RecordRetention.objects.get(record_type=record_type, record_id=record_id).state


def test_review_list_groups_due_records_by_schedule(people, due_cases):
    rows = review_list(actor=people.records_manager)
    assert [(r["code"], r["due"], r["action"]) for r in rows] == [
        ("complaints-destroy", 3, "destroy")
    ]
    with pytest.raises(PermissionDenied):
        review_list(actor=people.agent)


def test_destroy_needs_a_second_person_and_leaves_no_content(people, due_cases):
    schedule, made = due_cases
    sha = Attachment.objects.get(case=made[0]).sha256
    assert storage.path_for(sha).exists()
    with pytest.raises(PermissionDenied):
        disp.disposition_propose(actor=people.supervisor, schedule=schedule)
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    assert {_state("case", c.pk) for c in made} == {LifecycleState.IN_REVIEW}
    with pytest.raises(Conflict):  # not approved yet
        disp.disposition_execute(actor=people.records_manager, batch=batch)
    with pytest.raises(PermissionDenied):  # records managers propose, they do not approve
        disp.disposition_approve(actor=people.records_manager, batch=batch)
    with pytest.raises(PermissionDenied):  # a supervisor of another department
        disp.disposition_approve(actor=people.outsider, batch=batch)
    disp.disposition_approve(actor=people.supervisor, batch=batch, reason="checked")
    batch = disp.disposition_execute(actor=people.records_manager, batch=batch)

    assert batch.status == BatchStatus.DONE
    assert not Case.objects.filter(pk__in=[c.pk for c in made]).exists()
    assert not CaseNote.objects.exists() and not Attachment.objects.exists()
    assert not storage.path_for(sha).exists()
    assert not RecordRetention.objects.filter(record_type="case").exists()
    # The customer stays: it has its own schedule.
    assert Customer.objects.filter(pk=made[0].customer_id).exists()

    number = batch.certificate_number
    for case in made:
        payloads = Payload.objects.filter(entry__root=f"case:{case.pk}")
        assert payloads.exists()
        assert all(p.body is None and p.redaction_ref == f"disposition {number}" for p in payloads)
    report = verify_chain()
    assert report.ok, report.problems
    assert {r["by"] for r in report.redactions} == {f"disposition {number}"}

    cert = DispositionCertificate.objects.get(number=number)
    doc = cert.document
    assert doc["schedule"]["legal_source"] == "PIPL Art 19; test source"
    assert doc["proposed_by"] == "rita" and doc["approvers"][0]["username"] == "sam"
    assert doc["counts"]["done"] == 3
    assert sorted(r["id"] for r in doc["records"]) == sorted(c.pk for c in made)
    assert all(len(r["sha256"]) == 64 for r in doc["records"])
    text = json.dumps(doc, ensure_ascii=False)
    assert "Charged twice" not in text and "13812345678" not in text
    on_disk = json.loads((certificates.directory() / f"{number}.json").read_text())
    assert on_disk["number"] == number and on_disk["sha256"] == cert.document_sha256
    item_entries = Entry.objects.filter(action="disposition.destroy")
    assert item_entries.count() == 3
    assert all(e.payload.body and "Charged" not in e.payload.body for e in item_entries)


def test_the_proposer_never_approves(people, due_cases):
    schedule, _ = due_cases
    from caseledger.accounts.services import user_create

    both = user_create(
        actor=None,
        username="bea",
        password=people.password,
        roles=["records_manager", "compliance"],
    )
    batch = disp.disposition_propose(actor=both, schedule=schedule)
    with pytest.raises(PermissionDenied, match="second person"):
        disp.disposition_approve(actor=both, batch=batch)


def test_held_records_are_refused_at_proposal_and_skipped_at_execution(people, due_cases):
    schedule, made = due_cases
    hold_place(
        actor=people.compliance, matter="Smith v Shop", reason="suit", scope="cases",
        cases=[made[0].pk],
    )  # fmt: skip
    with pytest.raises(Held, match="Smith v Shop"):
        disp.disposition_propose(
            actor=people.records_manager, schedule=schedule, records=[made[0].pk]
        )
    hold_release(actor=people.compliance, hold=made[0].legal_holds.get(), reason="settled")
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.compliance, batch=batch)
    hold_place(
        actor=people.compliance, matter="Second suit", reason="again", scope="customers",
        customers=[made[1].customer_id],
    )  # fmt: skip
    batch = disp.disposition_execute(actor=None, batch=batch)
    items = {i.record_id: i for i in batch.items.all()}
    assert all(i.status == ItemStatus.SKIPPED for i in items.values())
    assert "Second suit" in items[made[1].pk].note
    assert Case.objects.filter(pk=made[1].pk).exists()
    assert batch.certificate.document["counts"]["skipped"] == 3


def test_reject_and_extend(people, due_cases):
    schedule, made = due_cases
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    with pytest.raises(ValidationFailed):
        disp.disposition_reject(actor=people.compliance, batch=batch, reason=" ")
    disp.disposition_reject(actor=people.compliance, batch=batch, reason="not yet")
    assert {_state("case", c.pk) for c in made} == {LifecycleState.DUE}

    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    new_due = later() + dt.timedelta(days=517)
    with pytest.raises(ValidationFailed, match="after the current"):
        disp.disposition_extend(
            actor=people.compliance, record_type="case", record_id=made[0].pk,
            due_on=(clock.now() + dt.timedelta(days=180)).date().isoformat(), reason="x",
            batch=batch,
        )  # fmt: skip
    disp.disposition_extend(
        actor=people.compliance, record_type="case", record_id=made[0].pk,
        due_on=new_due, reason="complaint re-opened by the regulator", batch=batch,
    )  # fmt: skip
    assert batch.items.get(record_id=made[0].pk).status == ItemStatus.EXTENDED
    recompute(people)  # on later(): the extension holds, the batch keeps the others
    row = RecordRetention.objects.get(record_type="case", record_id=made[0].pk)
    assert (row.due_on, row.state) == (new_due, LifecycleState.ACTIVE)
    assert _state("case", made[1].pk) == LifecycleState.IN_REVIEW
    entry = Entry.objects.filter(action="disposition.extend").get()
    assert entry.reason == "complaint re-opened by the regulator"
    disp.disposition_approve(actor=people.compliance, batch=batch)
    disp.disposition_execute(actor=people.records_manager, batch=batch)
    assert Case.objects.filter(pk=made[0].pk).exists()
    assert not Case.objects.filter(pk=made[1].pk).exists()
    # History "as of now" still shows the extended case itself (the extension entry carries
    # the extension, not the case), and the destroyed one as gone.
    assert state_as_of("case", made[0].pk) == case_state(Case.objects.get(pk=made[0].pk))
    assert state_as_of("case", made[1].pk) is None


def test_review_schedule_needs_a_chosen_action(people, customer):
    schedule = make_schedule(people, "review", code="complaints-review")
    make_case(people.agent, customer)
    recompute(people)
    with pytest.raises(ValidationFailed, match="review"):
        disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    batch = disp.disposition_propose(
        actor=people.records_manager, schedule=schedule, action="anonymize"
    )
    assert batch.action == "anonymize"


def test_anonymize_keeps_statistics_and_drops_personal_data(people, customer):
    schedule = make_schedule(people, "anonymize", record_kind="customer", code="cust-anon")
    case_schedule = make_schedule(people, "anonymize", code="case-anon")
    reached = make_case(people.agent, customer)
    case = make_case(people.agent, make_customer(people.agent, people.sales))
    recompute(people)
    name = customer.name
    batch = disp.disposition_propose(
        actor=people.records_manager, schedule=schedule, records=[customer.pk]
    )
    disp.disposition_approve(actor=people.compliance, batch=batch)
    disp.disposition_execute(actor=people.compliance, batch=batch)
    customer.refresh_from_db()
    assert customer.name.startswith("anon-") and customer.name != name
    assert not ContactPoint.objects.filter(customer=customer).exists()
    assert _state("customer", customer.pk) == LifecycleState.DISPOSED

    # The customer's case was anonymized with it: the case schedule proposes only the other.
    batch = disp.disposition_propose(actor=people.records_manager, schedule=case_schedule)
    assert list(batch.items.values_list("record_id", flat=True)) == [case.pk]
    assert _state("case", reached.pk) == LifecycleState.DISPOSED
    disp.disposition_approve(actor=people.supervisor, batch=batch)
    disp.disposition_execute(actor=None, batch=batch)
    case.refresh_from_db()
    assert case.subject == "[anonymized]" and case.description == ""
    assert (case.category, case.channel, case.severity) == ("billing", "phone", "medium")
    recompute(people)  # stays disposed, never due again
    assert _state("case", case.pk) == LifecycleState.DISPOSED
    older = Payload.objects.filter(entry__root=f"case:{case.pk}").exclude(
        entry__action="disposition.anonymized_state"
    )
    assert all(p.body is None for p in older)
    latest = (
        Entry.objects.filter(
            action="disposition.anonymized_state", object_type="case", object_id=str(case.pk)
        )
        .order_by("seq")
        .last()
    )
    assert "Charged twice" not in latest.payload.body
    assert verify_chain().ok


def test_customer_destroyed_only_without_remaining_cases(people, customer, case):
    schedule = make_schedule(people, "destroy", record_kind="customer", code="cust-destroy")
    lonely = make_customer(people.agent, people.sales)
    recompute(people)
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.supervisor, batch=batch)
    batch = disp.disposition_execute(actor=people.records_manager, batch=batch)
    items = {i.record_id: i for i in batch.items.all()}
    assert items[customer.pk].status == ItemStatus.SKIPPED
    assert "1 case" in items[customer.pk].note
    assert items[lonely.pk].status == ItemStatus.DONE
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert not Customer.objects.filter(pk=lonely.pk).exists()


def test_certificates_are_kept_forever(people, due_cases):
    schedule, _ = due_cases
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.compliance, batch=batch)
    disp.disposition_execute(actor=people.records_manager, batch=batch)
    cert = DispositionCertificate.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        DispositionCertificate.objects.filter(pk=cert.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        DispositionCertificate.objects.filter(pk=cert.pk).update(records=0)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {DispositionCertificate._meta.db_table} CASCADE")
    assert DispositionCertificate.objects.get().records == 3


def test_execute_pending_finishes_every_approved_batch(people, due_cases):
    schedule, made = due_cases
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    assert disp.disposition_execute_pending(actor=None)["batches"] == 0
    disp.disposition_approve(actor=people.compliance, batch=batch)
    seen = []
    result = disp.disposition_execute_pending(actor=None, progress=seen.append)
    assert result["batches"] == 1 and sum(seen) == 3
    assert not Case.objects.filter(pk__in=[c.pk for c in made]).exists()


def test_a_held_record_named_after_the_recompute_is_refused_naming_the_matter(people, due_cases):
    """Given a due case put under hold and the daily recompute marking it `held`, when the
    records manager names it in a proposal, then the refusal names the hold's matter (not
    "not due") and nothing is proposed."""
    schedule, made = due_cases
    hold_place(
        actor=people.compliance, matter="Wang v Shop", reason="suit", scope="cases",
        cases=[made[0].pk],
    )  # fmt: skip
    recompute(people)
    assert _state("case", made[0].pk) == LifecycleState.HELD
    with pytest.raises(Held, match="Wang v Shop"):
        disp.disposition_propose(
            actor=people.records_manager, schedule=schedule, records=[made[0].pk, made[1].pk]
        )
    assert not DispositionItem.objects.exists()
    assert _state("case", made[1].pk) == LifecycleState.DUE


def test_a_removed_attachment_keeps_its_content_until_the_case_is_destroyed(people, due_cases):
    from caseledger.cases.services import case_attachment_remove

    schedule, made = due_cases
    attachment = Attachment.objects.get(case=made[0])
    case_attachment_remove(actor=people.agent, attachment=attachment, reason="wrong case")
    assert storage.path_for(attachment.sha256).exists()  # kept until disposition
    batch = disp.disposition_propose(
        actor=people.records_manager, schedule=schedule, records=[made[0].pk]
    )
    disp.disposition_approve(actor=people.supervisor, batch=batch, reason="checked")
    disp.disposition_execute(actor=people.records_manager, batch=batch)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.path_for(attachment.sha256).exists()
