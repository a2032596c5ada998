"""Disposing of archived cases: the full record leaves its segment, and the certificate
hashes the archived record, not the stub left in the hot tables."""

from __future__ import annotations

import pytest

from caseledger.archive import services as archive
from caseledger.archive.models import ArchivedRecord
from caseledger.archive.queries import record_of
from caseledger.archive.verify import verify_all
from caseledger.cases.models import Case
from caseledger.core.errors import NotFound
from caseledger.disposition import services as disp
from caseledger.journal.verify import verify_chain
from tests.archive.conftest import ARCHIVE_DAY, closed_case
from tests.disposition.conftest import make_schedule, recompute

# Archived cases are closed at LONG_AGO and archived on ARCHIVE_DAY: fixtures dated too.
pytestmark = pytest.mark.clock(ARCHIVE_DAY)


@pytest.fixture(autouse=True)
def archive_store(settings, tmp_path):
    settings.ARCHIVE_DIR = tmp_path / "archive"
    settings.ARCHIVE_S3 = {"bucket": None}
    settings.ARCHIVE_AFTER_DAYS = 365


def _archived_cases(people, customer, n=2):
    made = [closed_case(people, customer, root_cause="meter misread") for _ in range(n)]
    archive.archive_run(actor=people.records_manager, on=ARCHIVE_DAY.date())
    cases = [Case.objects.get(pk=c.pk) for c in made]
    assert all(c.archived_at is not None for c in cases)
    return cases


@pytest.mark.parametrize("action", ["destroy", "anonymize"])
def test_disposing_of_an_archived_case_purges_its_segment(people, customer, action):
    cases = _archived_cases(people, customer)
    archived_sha = {c.pk: record_of(c.pk).sha256 for c in cases}
    schedule = make_schedule(people, action, code=f"archived-{action}")
    recompute(people)
    batch = disp.disposition_propose(
        actor=people.records_manager, schedule=schedule, records=[cases[0].pk]
    )
    disp.disposition_approve(actor=people.compliance, batch=batch)
    batch = disp.disposition_execute(actor=None, batch=batch)

    certified = {r["id"]: r["sha256"] for r in batch.certificate.document["records"]}
    assert certified == {cases[0].pk: archived_sha[cases[0].pk]}
    with pytest.raises(NotFound):
        record_of(cases[0].pk)
    assert record_of(cases[1].pk).sha256 == archived_sha[cases[1].pk]  # the other stays
    assert not ArchivedRecord.objects.filter(case_id=cases[0].pk, segment__state="applied").exists()
    assert verify_all().ok
    assert verify_chain().ok
    if action == "anonymize":
        kept = Case.objects.get(pk=cases[0].pk)
        assert kept.archived_at is None and kept.subject == "[anonymized]"
    else:
        assert not Case.objects.filter(pk=cases[0].pk).exists()
