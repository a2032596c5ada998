"""Working-time arithmetic: business hours, holidays and make-up working days (调休).

Why this is careful: every SLA and statutory due time is computed here; a minute lost at a
year end or on a 调休 Saturday is a complaint wrongly shown on time (or wrongly breached).
It is pure (no database, no clock) and held equal to a minute-by-minute walk by a
hypothesis test (tests/workflow/test_worktime_property.py).

Model: a calendar has weekly hours (local minutes of the day, per weekday), days off
(statutory holidays and the rest days of a 调休 arrangement) and make-up working days
(weekend days worked instead); a make-up day works `makeup_hours` (by default Monday's).
A day that is both is a working day: the State Council notice names 上班 days explicitly.
Pauses (waiting for the customer, outside appraisal) are half-open UTC ranges; a pause
whose end is None is still running, and a clock that needs time beyond it has no due time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

Interval = tuple[int, int]  # local minutes of the day, 0 <= start < end <= 1440
Pause = tuple[dt.datetime, dt.datetime | None]

MAX_DAYS = 3 * 366  # no clock looks further ahead; a calendar without work raises instead
STANDARD_HOURS: tuple[tuple[Interval, ...], ...] = (
    *([((9 * 60, 12 * 60), (13 * 60, 18 * 60))] * 5),
    (),
    (),
)


class NoWorkingTime(ValueError):
    """The calendar has no working time within MAX_DAYS of the start."""


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    hours: tuple[tuple[Interval, ...], ...] = STANDARD_HOURS  # Monday first, 7 entries
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()  # make-up working days (调休上班)
    makeup_hours: tuple[Interval, ...] | None = None  # None: Monday's hours
    # at()'s answers: a pass over many cases asks for the same few days' instants again
    # and again (the sweep's replays spent most of their time converting them).
    _instants: dict[tuple[dt.date, int], dt.datetime] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def day_hours(self, day: dt.date) -> tuple[Interval, ...]:
        if day in self.workdays:
            return self.makeup_hours if self.makeup_hours is not None else self.hours[0]
        if day in self.holidays:
            return ()
        return self.hours[day.weekday()]

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self.day_hours(day))

    def local_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def at(self, day: dt.date, minute: int) -> dt.datetime:
        """The UTC instant of a local minute of a day (1440 is the next midnight)."""
        known = self._instants.get((day, minute))
        if known is not None:
            return known
        extra, local_minute = divmod(minute, 1440)
        local = dt.datetime.combine(day + dt.timedelta(days=extra), dt.time(), tzinfo=self.tz)
        instant = (local + dt.timedelta(minutes=local_minute)).astimezone(dt.UTC)
        if len(self._instants) > 200_000:
            self._instants.clear()
        self._instants[(day, minute)] = instant
        return instant


def check_hours(hours: Sequence[Sequence[Sequence[int]]]) -> tuple[tuple[Interval, ...], ...]:
    """Weekly hours as given by an administrator, checked: 7 days of sorted, non-overlapping
    [start, end) minute ranges within the day. Raises ValueError naming the problem."""
    if len(hours) != 7:
        raise ValueError("give the hours of 7 days, Monday first")
    out = []
    for index, day in enumerate(hours):
        ranges = sorted((int(a), int(b)) for a, b in day)
        last = -1
        for a, b in ranges:
            if not 0 <= a < b <= 1440 or a < last:
                raise ValueError(f"day {index + 1}: {a}-{b} is not a range within the day")
            last = b
        out.append(tuple(ranges))
    return tuple(out)


def working_spans(
    cal: WorkCalendar, start: dt.datetime, end: dt.datetime | None = None
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The working time from start (until end, or for MAX_DAYS), as UTC ranges in order."""
    day = cal.local_day(start) - dt.timedelta(days=1)  # a range may begin the day before
    for _ in range(MAX_DAYS + 2):
        for a, b in cal.day_hours(day):
            lo, hi = max(cal.at(day, a), start), cal.at(day, b)
            if end is not None:
                hi = min(hi, end)
            if lo < hi:
                yield lo, hi
        day += dt.timedelta(days=1)
        if end is not None and cal.at(day, 0) >= end:
            return


def _without(
    spans: Iterable[tuple[dt.datetime, dt.datetime]], pauses: Sequence[Pause]
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """spans minus the (possibly overlapping, possibly open) pauses."""
    cuts = sorted(
        (a, b)
        for a, b in ((p[0], p[1] or dt.datetime.max.replace(tzinfo=dt.UTC)) for p in pauses)
        if a < b
    )
    for lo, hi in spans:
        pieces = [(lo, hi)]
        for a, b in cuts:
            if b <= lo or a >= hi:
                continue
            next_pieces = []
            for x, y in pieces:
                if a > x:
                    next_pieces.append((x, min(y, a)))
                if b < y:
                    next_pieces.append((max(x, b), y))
            pieces = [(x, y) for x, y in next_pieces if x < y]
        yield from pieces


def working_time(
    cal: WorkCalendar, start: dt.datetime, end: dt.datetime, pauses: Sequence[Pause] = ()
) -> dt.timedelta:
    """Working time in [start, end), pauses left out."""
    if end <= start:
        return dt.timedelta(0)
    total = dt.timedelta(0)
    for lo, hi in _without(working_spans(cal, start, end), pauses):
        total += hi - lo
    return total


def add_working_time(
    cal: WorkCalendar, start: dt.datetime, amount: dt.timedelta, pauses: Sequence[Pause] = ()
) -> dt.datetime | None:
    """The moment when `amount` of working time (pauses left out) has passed since start;
    None while an open pause stops the clock before that. NoWorkingTime when the calendar
    has no work within MAX_DAYS."""
    if amount <= dt.timedelta(0):
        return start
    left = amount
    open_from = min((p[0] for p in pauses if p[1] is None), default=None)
    for lo, hi in _without(working_spans(cal, start), pauses):
        if open_from is not None and lo >= open_from:
            return None
        if hi - lo >= left:
            return lo + left
        left -= hi - lo
    if open_from is not None:
        return None
    raise NoWorkingTime(f"no working time within {MAX_DAYS} days of {start.isoformat()}")


def add_working_days(cal: WorkCalendar, start: dt.datetime, days: int) -> dt.datetime:
    """The end (local midnight after) of the days-th working day after start's day: the
    start day does not count (民法典 Art 201), "7 working days" of market regulators."""
    day = cal.local_day(start)
    counted = 0
    for _ in range(MAX_DAYS):
        if counted >= days:
            return cal.at(day, 1440)
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    raise NoWorkingTime(f"no {days} working days within {MAX_DAYS} days of {start.isoformat()}")


def add_calendar_days(
    cal: WorkCalendar, start: dt.datetime, days: int, excluded: dt.timedelta = dt.timedelta(0)
) -> dt.datetime:
    """The end of the days-th calendar day after start's day (the start day does not count,
    民法典 Art 201), later by `excluded` whole days of paused time (e.g. outside appraisal);
    a last day that is not a working day moves to the end of the next working day
    (民法典 Art 203: a period ending on a statutory rest day ends the day after it)."""
    whole_days = -(-excluded // dt.timedelta(days=1)) if excluded > dt.timedelta(0) else 0
    day = cal.local_day(start) + dt.timedelta(days=days + whole_days)
    for _ in range(MAX_DAYS):
        if cal.is_working_day(day):
            return cal.at(day, 1440)
        day += dt.timedelta(days=1)
    raise NoWorkingTime(f"no working day within {MAX_DAYS} days after {day.isoformat()}")


def paused_total(pauses: Sequence[Pause], until: dt.datetime) -> dt.timedelta:
    """Calendar time covered by the pauses up to `until` (overlaps counted once)."""
    spans = sorted((a, min(b or until, until)) for a, b in pauses)
    total = dt.timedelta(0)
    lo: dt.datetime | None = None
    hi: dt.datetime | None = None
    for a, b in spans:
        if a >= b:
            continue
        if hi is None or a > hi:
            if lo is not None and hi is not None:
                total += hi - lo
            lo, hi = a, b
        else:
            hi = max(hi, b)
    if lo is not None and hi is not None:
        total += hi - lo
    return total
