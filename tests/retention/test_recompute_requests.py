"""Schedule edits ask the worker for a recompute; requests made before a full recompute
that already ran are skipped, and a bulk caller can defer them altogether."""

from __future__ import annotations

import datetime as dt

from caseledger.core import clock
from caseledger.retention import tasks
from caseledger.retention.models import RecordRetention
from caseledger.retention.services import (
    recompute_deferred,
    retention_recompute,
    schedule_create,
)

T0 = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)


def _schedule(people, code: str):
    return schedule_create(
        actor=people.records_manager,
        data={
            "name": code,
            "record_kind": "case",
            "period_years": 3,
            "triggers": ["created"],
            "action": "review",
            "legal_source": "test source",
        },
        code=code,
    )


def test_a_request_older_than_the_last_full_recompute_is_skipped(people, case):
    with clock.frozen(T0):
        requested = clock.now().isoformat()
    with clock.frozen(T0 + dt.timedelta(minutes=5)):
        retention_recompute(actor=None)
    assert "skipped" in tasks.recompute(requested)
    with clock.frozen(T0 + dt.timedelta(minutes=10)):
        later = clock.now().isoformat()
    assert "skipped" not in tasks.recompute(later)  # this one asked after: it runs


def test_schedule_changes_inside_recompute_deferred_ask_for_nothing(
    people, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as deferred, recompute_deferred():
        _schedule(people, "deferred-one")
        _schedule(people, "deferred-two")
    assert deferred == []  # the worker was not asked
    with django_capture_on_commit_callbacks(execute=True) as asked:
        _schedule(people, "asked")
    assert len(asked) == 1  # huey runs it at once in tests: the deadlines appear
    assert RecordRetention.objects.filter(record_type="case", record_id=case.pk).exists()
