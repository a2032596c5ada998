"""An attacker with database access cannot make a record due by writing its deadline: the
stored deadline is derived data, computed again from the records, the schedules and the
journal (a deletion request's erasure mark counts only as journaled)."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.retention.models import LifecycleState, RecordRetention
from caseledger.retention.services import retention_erasure_mark, retention_recompute
from tests.journal.tamper import sql

pytestmark = pytest.mark.django_db


def _row(customer) -> RecordRetention:
    return RecordRetention.objects.get(record_type="customer", record_id=customer.pk)


def test_an_erasure_day_written_into_the_database_makes_nothing_due(people, customer):
    retention_recompute(actor=None)
    assert _row(customer).state == LifecycleState.UNSCHEDULED
    sql(
        "UPDATE retention_recordretention SET erasure_on = %s, state = 'due', due_on = %s"
        " WHERE record_type = 'customer' AND record_id = %s",
        [dt.date(2001, 1, 1), dt.date(2001, 1, 1), customer.pk],
    )

    retention_recompute(actor=None)

    row = _row(customer)
    assert (row.state, row.due_on) == (LifecycleState.UNSCHEDULED, None)


def test_an_erasure_day_moved_earlier_in_the_database_goes_back_to_the_journaled_one(
    people, customer
):
    retention_erasure_mark(actor=None, customer=customer, reason="deletion request")
    marked_on = _row(customer).erasure_on
    sql(
        "UPDATE retention_recordretention SET erasure_on = %s"
        " WHERE record_type = 'customer' AND record_id = %s",
        [marked_on - dt.timedelta(days=400), customer.pk],
    )

    retention_recompute(actor=None, on=marked_on + dt.timedelta(days=1))

    row = _row(customer)
    assert (row.state, row.due_on) == (LifecycleState.DUE, marked_on)
