"""LocalCalendar.year is what the zone says for any moment, inside or outside the years it
precomputed (the demo loader numbers references by it: a demo loaded "today" in 2004 reaches
back to 1997, and was numbered CL-1999-… when the table started at 2000)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from caseledger.core.timetext import LocalCalendar, to_us

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(1997, 5, 6, 2, 1, tzinfo=dt.UTC),
        dt.datetime(1999, 12, 31, 16, 0, tzinfo=dt.UTC),  # 2000-01-01 00:00 in Shanghai
        dt.datetime(1999, 12, 31, 15, 59, tzinfo=dt.UTC),  # still 1999 there
        dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC),
        dt.datetime(2100, 6, 1, tzinfo=dt.UTC),
        dt.datetime(2150, 1, 1, tzinfo=dt.UTC),
    ],
)
def test_a_moments_local_year_is_the_zones_inside_and_outside_the_table(moment):
    assert LocalCalendar("Asia/Shanghai").year(to_us(moment)) == moment.astimezone(SH).year
