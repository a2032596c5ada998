"""The archive on S3-compatible object storage (moto's standalone server on loopback):
the same run, read, verify and purge as on a directory."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.archive.models import ArchiveSegment, SegmentState
from caseledger.archive.purge import archive_purge
from caseledger.archive.services import archive_read, archive_run
from caseledger.archive.store import S3Store, configured
from caseledger.archive.verify import verify_all
from caseledger.cases.models import Case
from tests.archive.conftest import ARCHIVE_DAY, closed_case
from tests.backup.conftest import make_bucket, s3_endpoint  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.clock(ARCHIVE_DAY)]  # fixtures dated too

TODAY = dt.date(2026, 11, 22)


def test_the_archive_works_the_same_on_s3(
    people,
    customer,
    settings,
    s3_endpoint,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    settings.ARCHIVE_S3 = {
        "bucket": make_bucket(s3_endpoint),
        "prefix": "archive",
        "endpoint_url": s3_endpoint,
        "region": "us-east-1",
        "access_key_id": "testing",
        "secret_access_key": "testing",
    }
    store = configured()
    assert isinstance(store, S3Store) and store.prefix == "archive/"
    cases = [closed_case(people, customer) for _ in range(3)]

    result = archive_run(actor=None, on=TODAY, batch_size=2)

    assert result["archived"] == 3 and result["store"].startswith("s3://")
    assert len(store.names()) == 4  # two segments, two manifests
    record = archive_read(actor=people.agent, case=Case.objects.get(pk=cases[0].pk))
    assert record["case"]["description"] == cases[0].description
    assert verify_all().ok and verify_all().records == 3
    with django_capture_on_commit_callbacks(execute=True):
        archive_purge(case_ids=[cases[0].pk], ref="disposition:1")
    assert ArchiveSegment.objects.filter(state=SegmentState.SUPERSEDED).count() == 1
    assert len(store.names()) == 4 and verify_all().records == 2
