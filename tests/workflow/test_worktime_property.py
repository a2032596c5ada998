"""The working-time arithmetic equals a naive minute-by-minute walk over random calendars
(weekly hours, holidays, 调休 make-up days), pauses and extensions, across a year end."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.workflow.worktime import (
    NoWorkingTime,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    add_working_time,
    check_hours,
    working_time,
)

MINUTE = dt.timedelta(minutes=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A window around a year end: holidays, make-up days, starts and pauses all fall in it.
WINDOW_START = dt.datetime(2026, 12, 20, tzinfo=SHANGHAI).astimezone(dt.UTC)
WINDOW_DAYS = 24


def naive_is_working(cal: WorkCalendar, moment: dt.datetime, pauses) -> bool:
    """Is the minute starting at `moment` working time? Read straight from the rules."""
    local = moment.astimezone(cal.tz)
    minute = local.hour * 60 + local.minute
    day = local.date()
    if day in cal.workdays:
        hours = cal.makeup_hours if cal.makeup_hours is not None else cal.hours[0]
    elif day in cal.holidays:
        hours = ()
    else:
        hours = cal.hours[day.weekday()]
    if not any(a <= minute < b for a, b in hours):
        return False
    return not any(a <= moment < (b or dt.datetime.max.replace(tzinfo=dt.UTC)) for a, b in pauses)


WALK_LIMIT = 60 * 24 * 80  # minutes the naive walk tries before it gives up


def naive_add(cal, start, minutes, pauses, limit=WALK_LIMIT):
    if minutes == 0:
        return start
    t, count = start, 0
    for _ in range(limit):
        if naive_is_working(cal, t, pauses):
            count += 1
        t += MINUTE
        if count == minutes:
            return t
    return "none"


def naive_between(cal, start, end, pauses):
    t, count = start, 0
    while t < end:
        count += naive_is_working(cal, t, pauses)
        t += MINUTE
    return count


minute_of_day = st.integers(min_value=0, max_value=1440)


@st.composite
def day_hours(draw):
    cuts = sorted(draw(st.lists(minute_of_day, min_size=0, max_size=4, unique=True)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    return tuple((cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2))


window_days = st.integers(min_value=0, max_value=WINDOW_DAYS - 1).map(
    lambda n: (WINDOW_START.astimezone(SHANGHAI) + dt.timedelta(days=n)).date()
)
moments = st.integers(min_value=0, max_value=WINDOW_DAYS * 1440).map(
    lambda m: WINDOW_START + m * MINUTE
)


@st.composite
def calendars(draw):
    hours = tuple(draw(day_hours()) for _ in range(7))
    makeup = draw(st.one_of(st.none(), day_hours()))
    # at least one working minute a week, or a walk could run for ever
    if not any(hours):
        hours = (((9 * 60, 17 * 60),), *hours[1:])
    return WorkCalendar(
        tz=SHANGHAI,
        hours=hours,
        holidays=frozenset(draw(st.lists(window_days, max_size=10))),
        workdays=frozenset(draw(st.lists(window_days, max_size=4))),
        makeup_hours=makeup,
    )


@st.composite
def pause_lists(draw, allow_open=True):
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        a = draw(moments)
        if allow_open and draw(st.integers(min_value=0, max_value=9)) == 0:
            out.append((a, None))
        else:
            out.append((a, a + draw(st.integers(min_value=0, max_value=3 * 1440)) * MINUTE))
    return out


FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    cal=calendars(),
    start=moments,
    minutes=st.integers(min_value=0, max_value=2500),
    extension=st.integers(min_value=0, max_value=600),
    pauses=pause_lists(),
)
def test_adding_working_time_equals_the_minute_walk(cal, start, minutes, extension, pauses):
    """An extension is more working time on the same clock: budget + extension."""
    total = minutes + extension
    expected = naive_add(cal, start, total, pauses)
    try:
        got = add_working_time(cal, start, total * MINUTE, pauses)
    except NoWorkingTime:
        got = "none"
    if got is None:  # an open pause stops the clock before the budget is used
        assert expected == "none" or any(b is None and a < expected for a, b in pauses)
    elif expected == "none" and got != "none":
        # A calendar with a few working minutes a week runs past the walk's horizon.
        assert got > start + WALK_LIMIT * MINUTE
    else:
        assert got == expected


@FAST
@given(
    cal=calendars(),
    updates=st.lists(moments, min_size=1, max_size=4),
    interval=st.integers(min_value=1, max_value=2000),
    pauses=pause_lists(allow_open=False),
)
def test_the_next_update_clock_equals_the_minute_walk_from_the_last_update(
    cal, updates, interval, pauses
):
    """Issue 12's next-update clock: due the policy's interval of working time after the
    newest update the customer saw, waits for the customer not counted."""
    from caseledger.workflow.clocks.compute import Policy, Replay, compute

    updates = sorted(updates)
    events = Replay(
        received_at=updates[0],
        first_response_at=updates[0],
        last_update_at=updates[-1],
        waits=[(a, b, "customer") for a, b in pauses],
    )
    policy = Policy("p", 60, 600, interval)
    now = updates[-1]
    try:
        [clock] = [c for c in compute(events, now=now, calendar=cal, policy=policy, rules=[])
                   if c.kind == "next_update"]  # fmt: skip
    except NoWorkingTime:
        return  # a calendar without working time: no due time at all
    expected = naive_add(cal, updates[-1], interval, pauses)
    assert clock.started_at == updates[-1]
    if expected == "none":
        assert clock.due_at is None or clock.due_at > now + WALK_LIMIT * MINUTE
    else:
        assert clock.due_at == expected


@FAST
@given(
    cal=calendars(),
    start=moments,
    span=st.integers(min_value=0, max_value=6 * 1440),
    pauses=pause_lists(),
)
def test_working_time_between_equals_the_minute_count(cal, start, span, pauses):
    end = start + span * MINUTE
    assert working_time(cal, start, end, pauses) == naive_between(cal, start, end, pauses) * MINUTE


@FAST
@given(cal=calendars(), start=moments, days=st.integers(min_value=0, max_value=12))
def test_working_days_count_working_days_after_the_start_day(cal, start, days):
    due = add_working_days(cal, start, days)
    local_due_day = (due.astimezone(SHANGHAI) - MINUTE).date()
    first = start.astimezone(SHANGHAI).date()
    between = [first + dt.timedelta(days=i) for i in range(1, (local_due_day - first).days + 1)]
    assert sum(cal.is_working_day(d) for d in between) == days
    assert days == 0 or cal.is_working_day(local_due_day)


def test_the_2026_new_year_make_up_sunday_counts_and_the_holidays_do_not():
    cal = WorkCalendar(
        holidays=frozenset(dt.date(2026, 1, d) for d in (1, 2, 3)),
        workdays=frozenset({dt.date(2026, 1, 4)}),
    )
    wed_evening = dt.datetime(2025, 12, 31, 17, 0, tzinfo=SHANGHAI)

    due = add_working_time(cal, wed_evening, dt.timedelta(hours=2))

    # 1 hour on Dec 31, then nothing until Sunday Jan 4 (调休上班), 9:00 + 1 hour
    assert due == dt.datetime(2026, 1, 4, 10, 0, tzinfo=SHANGHAI)


def test_fifteen_calendar_days_ending_on_a_holiday_end_the_next_working_day():
    cal = WorkCalendar(holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8)))
    received = dt.datetime(2026, 9, 16, 15, 0, tzinfo=SHANGHAI)  # +15 days = Oct 1

    due = add_calendar_days(cal, received, 15)

    assert due == dt.datetime(2026, 10, 9, 0, 0, tzinfo=SHANGHAI)  # end of Thursday Oct 8


def test_hours_are_checked():
    with pytest.raises(ValueError, match="7 days"):
        check_hours([[(540, 1080)]])
    with pytest.raises(ValueError, match="day 2: 600-500"):
        check_hours([[], [(600, 500)], [], [], [], [], []])
    assert check_hours([[(780, 1080), (540, 720)]] + [[]] * 6)[0] == ((540, 720), (780, 1080))
