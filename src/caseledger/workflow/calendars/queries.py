"""The working calendar of a department, built from its business hours and its calendar's
days; and hours written as text (`mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00`)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caseledger.workflow.models import BusinessHours, CalendarDay
from caseledger.workflow.worktime import STANDARD_HOURS, Interval, WorkCalendar

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def calendar_days(calendar: str = "cn", year: int | None = None) -> QuerySet[CalendarDay]:
    qs = CalendarDay.objects.filter(calendar=calendar)
    if year is not None:
        qs = qs.filter(day__year=year)
    return qs.order_by("day")


def work_calendar(department_id: int | None = None) -> WorkCalendar:
    """The department's calendar: its hours (standard week without a row), its calendar's
    days off and make-up working days, its time zone."""
    row = (
        BusinessHours.objects.filter(department_id=department_id).first() if department_id else None
    )
    code = row.calendar if row else "cn"
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in CalendarDay.objects.filter(calendar=code).values_list("day", "kind"):
        (workdays if kind == "workday" else holidays).add(day)
    hours = (
        tuple(tuple((int(a), int(b)) for a, b in day) for day in row.hours)
        if row
        else STANDARD_HOURS
    )
    return WorkCalendar(
        tz=ZoneInfo((row.timezone if row else "") or settings.TIME_ZONE),
        hours=hours,
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
    )


def _minute(text: str) -> int:
    hour, _, minute = text.partition(":")
    return int(hour) * 60 + int(minute or 0)


def parse_hours(text: str) -> list[list[Interval]]:
    """`mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00` → 7 lists of minute ranges."""
    week: list[list[Interval]] = [[] for _ in range(7)]
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = re.fullmatch(r"([a-z]{3})(?:-([a-z]{3}))?\s+(.+)", part.lower())
        if not match or match[1] not in DAY_NAMES or (match[2] and match[2] not in DAY_NAMES):
            raise ValueError(_("'%(part)s': write e.g. 'mon-fri 09:00-18:00'") % {"part": part})
        first = DAY_NAMES.index(match[1])
        last = DAY_NAMES.index(match[2]) if match[2] else first
        for span in match[3].split(","):
            times = re.fullmatch(r"\s*(\d{1,2}(?::\d{2})?)-(\d{1,2}(?::\d{2})?)\s*", span)
            if not times:
                raise ValueError(
                    _("'%(span)s': write a range as 09:00-12:00") % {"span": span.strip()}
                )
            for day in range(first, last + 1):
                week[day].append((_minute(times[1]), _minute(times[2])))
    return week


def format_hours(hours) -> str:
    parts = []
    for name, day in zip(DAY_NAMES, hours, strict=True):
        if day:
            spans = ",".join(
                f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in day
            )
            parts.append(f"{name} {spans}")
    return "; ".join(parts) or "—"


def today_is_working(department_id: int | None, day: dt.date) -> bool:
    return work_calendar(department_id).is_working_day(day)
