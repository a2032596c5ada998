"""archive_run: closed, inactive cases become stubs only after their full record is in a
verified segment; held, open, recent and restricted cases stay as they are."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import zstandard

from caseledger.archive import segments
from caseledger.archive.models import ArchivedRecord, ArchiveSegment, SegmentState
from caseledger.archive.services import archive_run
from caseledger.cases.models import Case, CaseNote
from caseledger.cases.services import case_state
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from caseledger.retention.services import hold_place
from tests.archive.conftest import ARCHIVE_DAY, closed_case
from tests.factories import make_case

TODAY = dt.date(2026, 11, 22)

pytestmark = pytest.mark.clock(ARCHIVE_DAY)  # written against TODAY; fixtures too


def test_closed_inactive_cases_become_stubs_backed_by_a_segment(people, customer, archive_store):
    old = [closed_case(people, customer, subject=f"旧投诉 {i}") for i in range(3)]
    full_before = {c.pk: case_state(c) for c in old}

    result = archive_run(actor=people.records_manager, on=TODAY, batch_size=2)

    assert result["archived"] == 3 and result["segments"] == 2
    for case in old:
        stub = Case.objects.get(pk=case.pk)
        assert stub.archived_at is not None
        assert stub.subject == case.subject and stub.reference == case.reference
        assert stub.category == case.category and stub.customer_id == customer.pk
        assert stub.description == "" and stub.resolution == ""
        assert not CaseNote.objects.filter(case=case).exists()
        # the journal's reconstruction equals the stub
        assert state_as_of("case", case.pk) == case_state(stub)
    # each segment file holds the full records, each line matching its manifest sha256
    for segment in ArchiveSegment.objects.all():
        assert segment.state == SegmentState.APPLIED
        data = (archive_store / segments.data_file(segment.name)).read_bytes()
        manifest = json.loads((archive_store / segments.manifest_file(segment.name)).read_bytes())
        lines = zstandard.ZstdDecompressor().decompress(data).splitlines()
        assert [segments.sha(line) for line in lines] == [r["sha256"] for r in manifest["records"]]
        for line in lines:
            record = json.loads(line)
            assert record["case"] == full_before[record["case"]["id"]]
            assert len(record["notes"]) == 2 and record["customer_id"] == customer.pk
    assert Entry.objects.filter(action="case.archive").count() == 3
    assert Entry.objects.filter(action="case_note.archive").count() == 6
    assert verify_chain().ok


def test_held_open_recent_and_restricted_cases_are_not_archived(people, customer):
    held = closed_case(people, customer)
    restricted = closed_case(people, customer)
    Case.objects.filter(pk=restricted.pk).update(restricted_at=clock.now(), restricted_reason="x")
    recent = closed_case(people, customer, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    with clock.frozen(dt.datetime(2025, 1, 5, tzinfo=dt.UTC)):
        still_open = make_case(people.agent, customer)
    archivable = closed_case(people, customer)
    hold_place(
        actor=people.compliance, matter="Lawsuit 2026-17", reason="r", scope="cases",
        cases=[held.pk],
    )  # fmt: skip

    result = archive_run(actor=None, on=TODAY)

    assert result["archived"] == 1 and result["skipped_held"] == 1
    archived = set(Case.objects.filter(archived_at__isnull=False).values_list("pk", flat=True))
    assert archived == {archivable.pk}
    for case in (held, restricted, recent, still_open):
        assert Case.objects.get(pk=case.pk).description == case.description


def test_a_second_run_archives_nothing_again(people, customer):
    closed_case(people, customer)
    assert archive_run(actor=None, on=TODAY)["archived"] == 1
    again = archive_run(actor=None, on=TODAY)
    assert again["archived"] == 0 and again["segments"] == 0
    assert ArchivedRecord.objects.count() == 1


def test_limit_stops_after_that_many(people, customer):
    for _ in range(5):
        closed_case(people, customer, notes=0)
    assert archive_run(actor=None, on=TODAY, limit=2, batch_size=10)["archived"] == 2
    assert Case.objects.filter(archived_at__isnull=False).count() == 2


def test_only_records_managers_and_compliance_run_it(people, customer):
    closed_case(people, customer)
    for who in (people.agent, people.supervisor, people.auditor, people.outsider):
        with pytest.raises(
            PermissionDenied, match="do not allow you to manage retention schedules"
        ):
            archive_run(actor=who, on=TODAY)
    assert not Case.objects.filter(archived_at__isnull=False).exists()


def test_the_inactivity_period_is_a_setting(people, customer, settings):
    closed_case(people, customer, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    assert archive_run(actor=None, on=TODAY)["archived"] == 0
    settings.ARCHIVE_AFTER_DAYS = 90
    assert archive_run(actor=None, on=TODAY)["archived"] == 1
