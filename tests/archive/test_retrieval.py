"""Reading an archived case back (checksums verified, journaled) and restoring it."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.archive import segments
from caseledger.archive.models import ArchiveSegment
from caseledger.archive.services import archive_read, archive_restore, archive_run
from caseledger.cases.models import Case, CaseNote
from caseledger.cases.services import case_state
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from caseledger.retention.services import hold_place
from tests.archive.conftest import ARCHIVE_DAY, closed_case

TODAY = dt.date(2026, 11, 22)

pytestmark = pytest.mark.clock(ARCHIVE_DAY)  # written against TODAY; fixtures too


@pytest.fixture
def archived(people, customer):
    case = closed_case(people, customer, root_cause="计费系统重复扣款")
    full = case_state(case)
    notes = list(CaseNote.objects.filter(case=case).values("id", "body"))
    archive_run(actor=None, on=TODAY)
    return Case.objects.get(pk=case.pk), full, notes


def test_reading_an_archived_case_gives_the_full_record_and_is_journaled(people, archived):
    stub, full, notes = archived
    record = archive_read(actor=people.agent, case=stub)
    assert record["case"] == full
    assert [n["body"] for n in record["notes"]] == [n["body"] for n in notes]
    entry = Entry.objects.filter(action="case.archive_read").get()
    assert entry.actor_name == "alice" and entry.object_id == str(stub.pk)
    assert state_as_of("case", stub.pk) == case_state(stub)


def test_outsiders_cannot_read_it(people, archived):
    stub, _, _ = archived
    with pytest.raises(PermissionDenied):
        archive_read(actor=people.outsider, case=stub)
    assert not Entry.objects.filter(action="case.archive_read").exists()


def test_a_tampered_segment_is_refused_naming_it(people, archived, archive_store):
    stub, _, _ = archived
    segment = ArchiveSegment.objects.get()
    path = archive_store / segments.data_file(segment.name)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(segments.Corrupt, match=segment.name):
        archive_read(actor=people.agent, case=stub)


def test_restore_brings_text_and_notes_back_with_a_reason(people, archived):
    stub, full, notes = archived
    with pytest.raises(ValidationFailed, match="reason"):
        archive_restore(actor=people.records_manager, case=stub, reason=" ")
    with pytest.raises(PermissionDenied):
        archive_restore(actor=people.agent, case=stub, reason="customer came back")

    case = archive_restore(actor=people.records_manager, case=stub, reason="customer came back")

    case.refresh_from_db()
    assert case.archived_at is None
    assert case.description == full["description"] and case.root_cause == "计费系统重复扣款"
    assert list(CaseNote.objects.filter(case=case).values("id", "body")) == notes
    assert case.version == full["version"] + 2  # archived, restored
    assert state_as_of("case", case.pk) == case_state(case)
    for note in CaseNote.objects.filter(case=case):
        assert state_as_of("case_note", note.pk)["body"] == note.body
    assert verify_chain().ok
    with pytest.raises(Conflict, match="not archived"):
        archive_restore(actor=people.records_manager, case=case, reason="again")


def test_a_held_case_may_be_restored_but_is_not_archived_again(people, archived):
    stub, _, _ = archived
    hold_place(
        actor=people.compliance, matter="Audit 9", reason="r", scope="cases", cases=[stub.pk]
    )
    case = archive_restore(actor=people.compliance, case=stub, reason="counsel needs it")
    assert case.archived_at is None and case.description
    # a year on, the case is inactive again, but the hold keeps it in the hot store
    assert archive_run(actor=None, on=TODAY + dt.timedelta(days=400))["skipped_held"] == 1
    assert Case.objects.get(pk=case.pk).archived_at is None


def test_a_restored_case_gets_a_new_inactivity_period(people, archived):
    stub, _, _ = archived
    archive_restore(actor=people.records_manager, case=stub, reason="reopened dispute")
    assert archive_run(actor=None, on=TODAY)["archived"] == 0


def test_a_restore_leaves_no_archived_copy_behind(
    people, customer, archive_store, django_capture_on_commit_callbacks
):
    from caseledger.archive.models import ArchivedRecord, SegmentState
    from caseledger.archive.verify import verify_all

    kept = closed_case(people, customer)
    back = closed_case(people, customer)
    archive_run(actor=None, on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        archive_restore(
            actor=people.records_manager, case=Case.objects.get(pk=back.pk), reason="needed"
        )
    live = ArchiveSegment.objects.get(state=SegmentState.APPLIED)
    assert set(ArchivedRecord.objects.filter(segment=live).values_list("case_id", flat=True)) == {
        kept.pk
    }
    assert verify_all().ok and verify_all().unregistered == []
    entry = Entry.objects.get(action="case.archive_restore")
    assert archive_read(actor=None, case=Case.objects.get(pk=kept.pk))["case"]["id"] == kept.pk
    assert entry.reason == "needed"
