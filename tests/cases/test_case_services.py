"""Scenarios for cases/services.py: create, update, the workflow, notes, attachments."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from caseledger.cases import storage
from caseledger.cases.models import Attachment, Case
from caseledger.cases.services import (
    case_attachment_add,
    case_create,
    case_note_add,
    case_set_fields,
    case_set_fields_many,
    case_update,
)
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.journal.queries import history, state_as_of
from tests.factories import make_case


def _counts():
    return Case.objects.count(), Entry.objects.count()


def test_an_agent_records_a_complaint_and_the_journal_has_it(people, customer):
    case = make_case(people.agent, customer, subject="退款迟迟未到 Refund is late")
    assert case.reference.startswith(f"CL-{clock.now().year}-")
    assert case.status == "received"
    entry = Entry.objects.get(object_type="case", object_id=str(case.pk))
    assert entry.action == "case.create"
    assert entry.actor_name == "alice"
    assert state_as_of("case", case.pk)["subject"] == "退款迟迟未到 Refund is late"


def test_references_are_unique_and_sequential(people, customer):
    first = make_case(people.agent, customer)
    second = make_case(people.agent, customer)
    a, b = int(first.reference.rsplit("-", 1)[1]), int(second.reference.rsplit("-", 1)[1])
    assert b == a + 1


def test_bad_input_names_every_field_and_leaves_nothing(people, customer):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        case_create(
            actor=people.agent,
            data={
                "kind": "rant",
                "channel": "phone",
                "category": "billing",
                "subject": "",
                "department": people.sales.pk,
                "customer": customer.pk,
                "satisfaction": 9,
                "colour": "red",
            },
        )
    fields = {e.field for e in caught.value.errors}
    assert {"kind", "subject", "colour"} <= fields
    assert _counts() == before


def test_a_customer_of_another_department_cannot_be_used(people):
    from tests.factories import make_customer

    foreign = make_customer(people.outsider, people.service)
    with pytest.raises(ValidationFailed) as caught:
        make_case(people.agent, foreign, department=people.sales.pk)
    assert caught.value.field == "customer"


@pytest.mark.parametrize("reference", ["99999999999999999999999", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠"])
def test_a_customer_number_beyond_any_row_is_not_found_rather_than_a_database_error(
    people, reference
):
    """The look-up is plain SQL (core.lookup): a number past the column's range, or one in
    other digits, must read as "does not exist", as the ORM's look-up did, on both engines."""
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        case_create(
            actor=people.agent,
            data={
                "kind": "complaint",
                "channel": "phone",
                "category": "billing",
                "subject": "重复扣费",
                "department": people.sales.pk,
                "customer": reference,
            },
        )
    assert caught.value.field == "customer"
    assert _counts() == before


def test_a_department_code_or_number_that_names_nothing_is_refused(people, customer):
    for department in ("no-such-dept", "99999999999999999999999", str(people.sales.pk + 999)):
        with pytest.raises(ValidationFailed) as caught:
            make_case(people.agent, customer, department=department)
        assert caught.value.field == "department"
    assert (
        make_case(people.agent, customer, department=people.sales.code).department == people.sales
    )


def test_received_at_in_the_future_is_refused(people, customer):
    later = (clock.now() + dt.timedelta(days=2)).isoformat()
    with pytest.raises(ValidationFailed) as caught:
        make_case(people.agent, customer, received_at=later)
    assert caught.value.field == "received_at"


def test_closing_needs_a_resolution_and_sets_closed_at(people, case):
    with pytest.raises(ValidationFailed) as caught:
        case_update(actor=people.agent, case=case, data={"status": "closed"})
    assert caught.value.field == "resolution"
    case.refresh_from_db()
    assert case.status == "received" and case.version == 1
    closed = case_update(
        actor=people.agent, case=case, data={"status": "closed", "resolution": "Refunded ¥30"}
    )
    assert closed.closed_at is not None
    reopened = case_update(
        actor=people.agent,
        case=closed,
        data={"status": "reopened"},
        reason="customer disputes the refund amount",
    )
    assert reopened.closed_at is None
    actions = [h.action for h in history(f"case:{case.pk}")]
    assert actions == ["case.create", "case.transition", "case.transition"]
    assert history(f"case:{case.pk}")[-1].reason == "customer disputes the refund amount"


def test_the_workflow_refuses_a_jump_backwards(people, case):
    case_update(actor=people.agent, case=case, data={"status": "investigating"})
    with pytest.raises(ValidationFailed) as caught:
        case_update(actor=people.agent, case=case, data={"status": "acknowledged"})
    assert caught.value.field == "status"
    assert "allowed: responded, closed" in caught.value.message


def test_an_update_records_before_and_after(people, case):
    case_update(actor=people.agent, case=case, data={"priority": "urgent", "severity": "high"})
    last = history(f"case:{case.pk}")[-1]
    assert last.changes["priority"] == ["normal", "urgent"]
    assert last.changes["severity"] == ["medium", "high"]
    assert last.state["version"] == 2


def test_an_update_that_changes_nothing_writes_nothing(people, case):
    before = _counts()
    case_update(actor=people.agent, case=case, data={"priority": "normal"})
    assert _counts() == before


def test_a_stale_edit_is_refused(people, case):
    case_update(actor=people.supervisor, case=case, data={"priority": "high"})
    with pytest.raises(Conflict):
        case_update(actor=people.agent, case=case, data={"priority": "low"}, expected_version=1)
    case.refresh_from_db()
    assert case.priority == "high"


def test_assigning_to_someone_who_cannot_work_the_case_is_refused(people, case):
    with pytest.raises(ValidationFailed) as caught:
        case_update(actor=people.agent, case=case, data={"assignee": "oscar"})
    assert caught.value.field == "assignee"
    updated = case_update(actor=people.agent, case=case, data={"assignee": "sam"})
    assert updated.assignee == people.supervisor


def test_moving_a_case_to_a_department_you_cannot_work_is_refused(people, case):
    with pytest.raises(PermissionDenied):
        case_update(actor=people.agent, case=case, data={"department": "service"})


def test_notes_join_the_case_history(people, case):
    case_note_add(
        actor=people.agent,
        case=case,
        body="Called back, left a message",
        kind="outbound",
        channel="phone",
    )
    items = history(f"case:{case.pk}")
    assert [i.action for i in items] == ["case.create", "case.note"]
    assert items[1].state["body"] == "Called back, left a message"


def test_an_empty_note_is_refused(people, case):
    with pytest.raises(ValidationFailed) as caught:
        case_note_add(actor=people.agent, case=case, body="   ")
    assert caught.value.field == "body"


def test_attachments_are_content_addressed(people, case, settings):
    data = "发票 invoice".encode() * 100
    first = case_attachment_add(
        actor=people.agent, case=case, stream=io.BytesIO(data), filename="../../invoice.pdf"
    )
    second = case_attachment_add(
        actor=people.agent, case=case, stream=io.BytesIO(data), filename="copy.pdf"
    )
    assert first.sha256 == second.sha256
    assert first.filename == "invoice.pdf"  # no path from the client survives
    assert first.content_type == "application/pdf"
    with storage.open_file(first.sha256) as fh:
        assert fh.read() == data
    assert len(list(storage.root().rglob("*"))) == 3  # two directories and one file


def test_an_oversized_attachment_is_refused_and_nothing_is_kept(people, case, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationFailed) as caught:
        case_attachment_add(
            actor=people.agent, case=case, stream=io.BytesIO(b"x" * 1001), filename="big.bin"
        )
    assert caught.value.field == "file"
    assert Attachment.objects.count() == 0
    assert not [p for p in storage.root().rglob("*") if p.is_file()]


def test_an_auditor_cannot_upload(people, case):
    with pytest.raises(PermissionDenied):
        case_attachment_add(
            actor=people.auditor, case=case, stream=io.BytesIO(b"x"), filename="a.txt"
        )


def test_state_as_of_a_past_moment(people, customer):
    t0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(t0):
        case = make_case(people.agent, customer, subject="Original subject")
    with clock.frozen(t0 + dt.timedelta(hours=2)):
        case_update(actor=people.agent, case=case, data={"subject": "Corrected subject"})
    assert state_as_of("case", case.pk, t0 + dt.timedelta(hours=1))["subject"] == "Original subject"
    assert state_as_of("case", case.pk)["subject"] == "Corrected subject"
    assert state_as_of("case", case.pk, t0 - dt.timedelta(seconds=1)) is None


def test_cases_set_together_are_journaled_as_each_set_alone(people, customer):
    """case_set_fields_many (an import chunk's assignments) writes and journals each case
    as case_set_fields does: same changes, same state but for the case's own identity."""
    made = clock.now()
    with clock.frozen(made):
        alone, first, second = (make_case(people.agent, customer) for _ in range(3))
    at = made + dt.timedelta(hours=1)
    case_set_fields(
        alone, actor=people.agent, fields={"assignee": people.agent}, action="case.update",
        reason="by hand", at=at,
    )  # fmt: skip
    case_set_fields_many(
        [(c, {"assignee": people.agent}, "by hand") for c in (first, second)],
        actor=people.agent, action="case.update", at=at,
    )  # fmt: skip

    def last(case):
        entry = Entry.objects.filter(root=f"case:{case.pk}").order_by("-seq").first()
        body = json.loads(entry.payload.body)
        state = {k: v for k, v in body["state"].items() if k not in ("id", "reference")}
        return entry.action, entry.reason, body["changes"], state

    assert last(first) == last(second) == last(alone)
    assert set(last(alone)[2]) == {"assignee_id", "version", "updated_at"}
    for case in (first, second):
        stored = Case.objects.get(pk=case.pk)
        assert (stored.assignee_id, stored.version, stored.updated_at) == (people.agent.pk, 2, at)
        assert (case.assignee_id, case.version) == (people.agent.pk, 2), "changed in place"
