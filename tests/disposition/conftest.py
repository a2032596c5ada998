"""Disposition fixtures: a schedule with due cases. (The flush that may empty the
certificates table lives in tests/conftest.py with the journal's.)"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from caseledger.core import clock
from tests.api.conftest import api_as  # noqa: F401
from tests.web.conftest import login  # noqa: F401


def later() -> dt.date:
    """A day by which every record made "now" is due: read from the clock when called, so
    it follows the suite's shifted date and a test's frozen one alike."""
    return clock.now().date() + dt.timedelta(days=14 * 365)


@pytest.fixture(autouse=True)
def _dispositions_dir(settings, tmp_path):
    settings.DISPOSITIONS_DIR = tmp_path / "dispositions"
    return settings.DISPOSITIONS_DIR


def make_schedule(people, action="destroy", record_kind="case", code=""):
    from caseledger.retention.services import schedule_create

    data = {
        "name": f"{record_kind} {action}",
        "record_kind": record_kind,
        "period_years": 1,
        "triggers": ["created"],
        "action": action,
        "legal_source": "PIPL Art 19; test source",
    }
    if record_kind == "case":
        data["case_kind"] = "complaint"
    return schedule_create(actor=people.records_manager, data=data, code=code)


def recompute(people, on=None):
    from caseledger.retention.services import retention_recompute

    return retention_recompute(actor=people.records_manager, on=on or later())


@pytest.fixture
def due_cases(people, customer):
    """Three complaint cases (one with a note and an attachment), due under a destroy
    schedule."""
    from caseledger.cases.services import case_attachment_add, case_note_add
    from tests.factories import make_case

    schedule = make_schedule(people, "destroy", code="complaints-destroy")
    made = [make_case(people.agent, customer) for _ in range(3)]
    case_note_add(actor=people.agent, case=made[0], body="Called 13812345678 about it")
    case_attachment_add(
        actor=people.agent, case=made[0], stream=io.BytesIO(b"scan of the bill"), filename="b.txt"
    )
    recompute(people)
    return schedule, made
