"""Reading days off and make-up working days from an iCalendar file (RFC 5545): each
all-day VEVENT (DTSTART;VALUE=DATE, DTEND exclusive) becomes one calendar day per date; a
SUMMARY or CATEGORIES that says 上班/补班/workday/make-up marks a working day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

WORKDAY_WORDS = ("上班", "补班", "班", "workday", "working day", "make-up", "makeup")
MAX_EVENT_DAYS = 31


@dataclass(frozen=True)
class IcalDay:
    day: dt.date
    kind: str
    name: str


class IcalError(ValueError):
    pass


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw.startswith((" ", "\t")) and lines:
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw)
    return lines


def _date(value: str, line_no: int) -> dt.date:
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(T\d{6}Z?)?", value.strip())
    if not match:
        raise IcalError(
            _("line %(line)s: '%(value)s' is not a date (YYYYMMDD)")
            % {"line": line_no, "value": value}
        )
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise IcalError(
            _("line %(line)s: '%(value)s' is not a real date") % {"line": line_no, "value": value}
        ) from exc


def _unescape(value: str) -> str:
    return value.replace("\\n", " ").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def parse(text: str) -> list[IcalDay]:
    lines = _unfold(text)
    if not lines or lines[0].strip().upper() != "BEGIN:VCALENDAR":
        raise IcalError(_("not an iCalendar file: it must begin with BEGIN:VCALENDAR"))
    days: dict[dt.date, IcalDay] = {}
    event: dict[str, tuple[str, int]] | None = None
    for number, line in enumerate(lines, start=1):
        name, _sep, value = line.partition(":")
        key = name.split(";")[0].strip().upper()
        if key == "BEGIN" and value.strip().upper() == "VEVENT":
            event = {}
        elif key == "END" and value.strip().upper() == "VEVENT":
            if event is not None:
                for day in _event_days(event):
                    days[day.day] = day
            event = None
        elif event is not None and key in ("DTSTART", "DTEND", "SUMMARY", "CATEGORIES"):
            event[key] = (value, number)
    return sorted(days.values(), key=lambda d: d.day)


def _event_days(event: dict[str, tuple[str, int]]) -> list[IcalDay]:
    if "DTSTART" not in event:
        raise IcalError(_("an event has no DTSTART"))
    first = _date(*event["DTSTART"])
    last = _date(*event["DTEND"]) - dt.timedelta(days=1) if "DTEND" in event else first
    last = max(last, first)
    if (last - first).days >= MAX_EVENT_DAYS:
        raise IcalError(
            _("line %(line)s: an event of %(days)s days is not a holiday")
            % {"line": event["DTSTART"][1], "days": (last - first).days + 1}
        )
    summary = _unescape(event.get("SUMMARY", ("", 0))[0]).strip()
    words = f"{summary} {event.get('CATEGORIES', ('', 0))[0]}".lower()
    kind = "workday" if any(w in words for w in WORKDAY_WORDS) else "holiday"
    return [
        IcalDay(first + dt.timedelta(days=i), kind, summary[:100])
        for i in range((last - first).days + 1)
    ]
