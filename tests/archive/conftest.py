"""Archive tests: a store of each test's own, and closed cases old enough to archive."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.cases.services import case_note_add, case_update
from caseledger.core import clock
from tests.factories import make_case

LONG_AGO = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)  # > 365 days before 2026-11-22
# The day the archive tests are written against (pytest.mark.clock dates their fixtures).
ARCHIVE_DAY = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def archive_store(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.ARCHIVE_DIR = tmp_path / "data" / "archive"
    settings.ARCHIVE_S3 = {"bucket": None}
    settings.ARCHIVE_AFTER_DAYS = 365
    return settings.ARCHIVE_DIR


def closed_case(
    people, customer, *, at: dt.datetime = LONG_AGO, notes: int = 2, root_cause: str = "", **fields
):
    """A case recorded, worked and closed at `at`, with notes, untouched since."""
    with clock.frozen(at):
        case = make_case(people.agent, customer, **fields)
        for i in range(notes):
            case_note_add(actor=people.agent, case=case, body=f"第{i}次回访 follow-up {i}")
        case = case_update(
            actor=people.agent,
            case=case,
            data={
                "status": "closed",
                "resolution": "Refunded 128 元 on 3 March.",
                **({"root_cause": root_cause} if root_cause else {}),
            },
        )
    return case
