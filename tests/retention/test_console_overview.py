"""The retention console's overview: records by the month they fall due, and the
unscheduled records listed by name (restricted ones only for compliance)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from caseledger.retention.overview import due_by_month, unscheduled_records
from caseledger.retention.services import record_restrict, retention_recompute, schedule_create
from tests.factories import make_case, make_customer

TODAY = dt.date(2026, 11, 22)

# Written against fixed dates: the fixtures are dated on TODAY too.
pytestmark = pytest.mark.clock(dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC))


def _schedule(people, years: int, months: int = 0):
    return schedule_create(
        actor=people.records_manager,
        data={
            "name": f"complaints {years}y{months}m",
            "record_kind": "case",
            "case_kind": "complaint",
            "period_years": years,
            "period_months": months,
            "triggers": ["created"],
            "action": "destroy",
            "legal_source": "test source",
        },
        code=f"complaints-{years}-{months}",
    )


def test_due_by_month_puts_each_record_in_the_month_it_falls_due(people, customer):
    inquiry = make_case(people.agent, customer, kind="inquiry")  # no schedule covers it
    make_case(people.agent, customer)
    make_case(people.agent, customer)
    _schedule(people, 0, 3)  # due 2027-02
    retention_recompute(actor=people.records_manager, on=TODAY)
    months = due_by_month(actor=people.auditor, on=TODAY)
    assert months[0].month is None and months[0].total == 0  # nothing already due
    assert [m.month for m in months[1:3]] == [dt.date(2026, 11, 1), dt.date(2026, 12, 1)]
    by_month = {m.month: m.cases for m in months}
    assert by_month[dt.date(2027, 2, 1)] == 2
    assert sum(m.cases for m in months) == 2  # the unscheduled inquiry has no month
    later = due_by_month(actor=people.auditor, on=dt.date(2027, 6, 1))
    assert later[0].month is None and later[0].cases == 2  # by then they are past due
    unscheduled = unscheduled_records(actor=people.auditor)
    assert [c.pk for c in unscheduled.cases] == [inquiry.pk]


def test_console_shows_months_and_unscheduled_records_without_restricted_ones(
    people, customer, login
):
    private = make_customer(people.agent, people.sales, name="张三")
    hidden = make_case(people.agent, private, kind="inquiry")
    shown = make_case(people.agent, customer, kind="inquiry")
    record_restrict(actor=people.compliance, customer=private, reason="AML Art 19")
    retention_recompute(actor=people.records_manager)
    page = login(people.records_manager).get("/retention/").content.decode()
    section = re.search(r'id="unscheduled".*?</section>', page, re.S).group(0)
    assert shown.reference in section and hidden.reference not in section
    assert 'id="due-by-month"' in page
    compliance = login(people.compliance).get("/retention/").content.decode()
    assert hidden.reference in re.search(r'id="unscheduled".*?</section>', compliance, re.S).group(
        0
    )
