"""archive_purge rewrites segments without the purged records; archive verify names bad
segments; an unapplied segment whose cases changed is discarded, never half-applied."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.archive import segments, writer
from caseledger.archive.models import ArchivedRecord, ArchiveSegment, SegmentState
from caseledger.archive.purge import archive_purge
from caseledger.archive.services import archive_read, archive_run
from caseledger.archive.store import DirectoryStore
from caseledger.archive.verify import verify_all
from caseledger.cases.models import Case
from caseledger.cases.services import case_update
from caseledger.core import clock
from caseledger.core.errors import NotFound
from tests.archive.conftest import ARCHIVE_DAY, closed_case

TODAY = dt.date(2026, 11, 22)

pytestmark = pytest.mark.clock(ARCHIVE_DAY)  # written against TODAY; fixtures too


def test_purge_rewrites_the_segment_without_those_records(
    people, customer, archive_store, django_capture_on_commit_callbacks
):
    cases = [closed_case(people, customer, notes=1) for _ in range(3)]
    archive_run(actor=None, on=TODAY)
    old = ArchiveSegment.objects.get()
    kept_sha = {r.case_id: r.sha256 for r in old.items.all()}

    with django_capture_on_commit_callbacks(execute=True):
        result = archive_purge(case_ids=[cases[0].pk], ref="disposition:7")

    assert result["records_removed"] == 1
    assert result["segments"][0]["removed"][0]["sha256"] == kept_sha[cases[0].pk]
    old.refresh_from_db()
    assert old.state == SegmentState.SUPERSEDED
    assert not (archive_store / segments.data_file(old.name)).exists()
    new = ArchiveSegment.objects.get(state=SegmentState.APPLIED)
    assert new.replaces == old and new.purge_ref == "disposition:7"
    assert {r.case_id: r.sha256 for r in new.items.all()} == {
        pk: sha for pk, sha in kept_sha.items() if pk != cases[0].pk
    }
    with pytest.raises(NotFound):
        archive_read(actor=None, case=Case.objects.get(pk=cases[0].pk))
    assert archive_read(actor=None, case=Case.objects.get(pk=cases[1].pk))["case"]["id"] == (
        cases[1].pk
    )
    assert verify_all().ok
    assert archive_purge(case_ids=[cases[0].pk], ref="disposition:7")["records_removed"] == 0


def test_a_purge_rolled_back_by_its_caller_keeps_the_old_segment(
    people, customer, archive_store, django_capture_on_commit_callbacks
):
    from django.db import transaction

    cases = [closed_case(people, customer) for _ in range(2)]
    archive_run(actor=None, on=TODAY)
    old = ArchiveSegment.objects.get()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        archive_purge(case_ids=[cases[0].pk], ref="disposition:9")
        transaction.set_rollback(True)  # the disposition failed after the purge
    old.refresh_from_db()
    assert old.state == SegmentState.APPLIED
    assert (archive_store / segments.data_file(old.name)).exists()
    assert archive_read(actor=None, case=Case.objects.get(pk=cases[0].pk))
    # The next run discards the orphaned rewrite instead of applying it.
    assert archive_run(actor=None, on=TODAY)["recovered"] == {"completed": 0, "discarded": 1}
    assert verify_all().unregistered == []


def test_purging_a_segments_last_record_leaves_no_segment(
    people, customer, archive_store, django_capture_on_commit_callbacks
):
    case = closed_case(people, customer)
    archive_run(actor=None, on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        archive_purge(case_ids=[case.pk], ref="disposition:8")
    assert not ArchiveSegment.objects.filter(state=SegmentState.APPLIED).exists()
    assert [p for p in archive_store.iterdir() if not p.name.startswith(".")] == []


def test_verify_names_a_bad_segment(people, customer, archive_store):
    for _ in range(2):
        closed_case(people, customer)
    archive_run(actor=None, on=TODAY, batch_size=1)
    assert verify_all().ok and verify_all().records == 2
    bad = ArchiveSegment.objects.first()
    (archive_store / segments.manifest_file(bad.name)).write_text("{}")
    report = verify_all()
    assert not report.ok and report.problems == [
        f"segment {bad.name}: the manifest does not match its registered sha256"
    ]


def test_an_unapplied_segment_whose_case_changed_is_discarded(people, customer, archive_store):
    case = closed_case(people, customer)
    sealed = segments.build("seg-test-1", writer.serialize([case.pk]), created_at=clock.now())
    writer.write(DirectoryStore(archive_store), sealed)  # as if killed right after the fsync
    case_update(
        actor=people.agent, case=case, data={"status": "reopened"}, reason="the customer wrote"
    )

    result = archive_run(actor=None, on=TODAY)

    assert result["recovered"] == {"completed": 0, "discarded": 1}
    assert not list(archive_store.glob("seg-test-1*"))
    case.refresh_from_db()
    assert case.archived_at is None and case.description
    assert not ArchivedRecord.objects.exists()
