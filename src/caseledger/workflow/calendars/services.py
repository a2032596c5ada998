"""Writes to holiday calendars and business hours, each journaled: administrators keep the
days off and make-up working days (调休) of a calendar, adopt a shipped year, import an
iCalendar file, and set a department's business hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import NotFound, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.calendars import ical
from caseledger.workflow.calendars.presets import PRESETS, UNCONFIRMED
from caseledger.workflow.models import BusinessHours, CalendarDay, DayKind
from caseledger.workflow.worktime import check_hours


def _check(actor: User | None, perm: Perm = Perm.SETTINGS_MANAGE) -> None:
    if actor is not None:
        require(actor, perm)


def _code(calendar: str) -> str:
    code = (calendar or "").strip()
    if not code or not all(ch.isalnum() or ch in "-_" for ch in code) or len(code) > 40:
        raise ValidationFailed(
            _("a calendar code holds 1 to 40 letters, digits, - and _"), field="calendar"
        )
    return code


def _put(actor, calendar: str, day: dt.date, kind: str, name: str, source: str, reason: str):
    """Insert or change one day; journals only a real change. Returns True if it changed."""
    row = CalendarDay.objects.select_for_update().filter(calendar=calendar, day=day).first()
    before = model_state(row, exclude=("updated_at",)) if row else None
    if row is None:
        row = CalendarDay(calendar=calendar, day=day)
    row.kind, row.name, row.source = kind, name[:100], source[:300]
    after = model_state(row, exclude=("updated_at", "id"))
    if before is not None and {k: before[k] for k in after} == after:
        return False
    row.updated_at = clock.now()
    row.save()
    state = model_state(row, exclude=("updated_at",))
    record_change(
        actor=actor,
        action=WorkflowAction.CALENDAR_DAY_SET,
        object_type="calendar_day",
        object_id=f"{calendar}:{day.isoformat()}",
        after=state,
        before=before,
        reason=reason,
    )
    return True


def calendar_day_set(
    *,
    actor: User | None,
    day: dt.date,
    kind: str,
    name: str = "",
    calendar: str = "cn",
    source: str = "",
    reason: str = "",
) -> CalendarDay:
    """Mark a day off (holiday) or worked (make-up working day) in a calendar."""
    _check(actor)
    code = _code(calendar)
    c = Collector()
    c.choice({"kind": kind}, "kind", DayKind.values, required=True)
    c.text({"name": name}, "name", max_length=100)
    c.raise_if_any()
    with write_transaction():
        _put(actor, code, day, kind, name, source, reason)
    return CalendarDay.objects.get(calendar=code, day=day)


def calendar_day_remove(
    *, actor: User | None, day: dt.date, calendar: str = "cn", reason: str
) -> None:
    """The day follows the weekly pattern again."""
    _check(actor)
    code = _code(calendar)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    c.raise_if_any()
    with write_transaction():
        row = CalendarDay.objects.select_for_update().filter(calendar=code, day=day).first()
        if row is None:
            raise NotFound(
                _("%(day)s is not in calendar %(code)s") % {"day": day, "code": code}, field="day"
            )
        before = model_state(row, exclude=("updated_at",))
        row.delete()
        record_change(
            actor=actor,
            action=WorkflowAction.CALENDAR_DAY_REMOVE,
            object_type="calendar_day",
            object_id=f"{code}:{day.isoformat()}",
            after=None,
            changes={k: [v, None] for k, v in before.items()},
            reason=why,
        )


def calendar_adopt(*, actor: User | None, preset: str) -> dict[str, Any]:
    """Load a shipped year (e.g. cn-2026); idempotent: an unchanged day journals nothing,
    a day an administrator changed is set back to the notice."""
    _check(actor)
    if preset in UNCONFIRMED:
        raise ValidationFailed(
            _("%(preset)s is UNCONFIRMED: %(why)s")
            % {"preset": preset, "why": UNCONFIRMED[preset]},
            field="preset",
            code="unconfirmed",
        )
    if preset not in PRESETS:
        raise ValidationFailed(
            _("unknown calendar %(preset)s; shipped: %(known)s")
            % {"preset": preset, "known": ", ".join(PRESETS)},
            field="preset",
            code="invalid_choice",
        )
    code, source, days = PRESETS[preset]
    changed = 0
    with write_transaction():
        for item in days:
            changed += _put(actor, code, item.day, item.kind, item.name, source, f"adopt {preset}")
        if not changed:  # still a recorded act: who adopted what, when
            record_change(
                actor=actor,
                action=WorkflowAction.CALENDAR_ADOPT,
                object_type="calendar",
                object_id=code,
                after={"preset": preset, "days": len(days), "changed": 0},
            )
    return {"calendar": code, "preset": preset, "days": len(days), "changed": changed}


def calendar_import_ics(
    *, actor: User | None, text: str, calendar: str = "cn", source: str = "", reason: str = ""
) -> dict[str, Any]:
    """Import the all-day events of an iCalendar file as days off or make-up working days.
    A bad file changes nothing and the error names the line."""
    _check(actor)
    code = _code(calendar)
    try:
        days = ical.parse(text)
    except ical.IcalError as exc:
        raise ValidationFailed(str(exc), field="file", code="bad_ical") from exc
    if not days:
        raise ValidationFailed(_("the file holds no all-day events"), field="file")
    changed = 0
    with write_transaction():
        for item in days:
            changed += _put(
                actor, code, item.day, item.kind, item.name, source or "iCalendar import", reason
            )
        if not changed:
            record_change(
                actor=actor,
                action=WorkflowAction.CALENDAR_IMPORT,
                object_type="calendar",
                object_id=code,
                after={"days": len(days), "changed": 0},
                reason=reason,
            )
    return {"calendar": code, "days": len(days), "changed": changed}


def business_hours_set(
    *,
    actor: User | None,
    department: Department,
    hours: Sequence[Sequence[Sequence[int]]],
    calendar: str = "cn",
    timezone: str = "",
    reason: str = "",
) -> BusinessHours:
    """A department's working week (7 days of [start, end) minutes, Monday first)."""
    _check(actor, Perm.DEPARTMENT_MANAGE)
    code = _code(calendar)
    try:
        week = check_hours(hours)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="hours") from exc
    if not any(week):
        raise ValidationFailed(_("a week without working hours"), field="hours")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationFailed(
                _("unknown time zone %(tz)s") % {"tz": timezone}, field="timezone"
            ) from exc
    with write_transaction():
        row = BusinessHours.objects.select_for_update().filter(department=department).first()
        before = model_state(row, exclude=("updated_at",)) if row else None
        row = row or BusinessHours(department=department)
        row.hours = [[list(r) for r in day] for day in week]
        row.calendar, row.timezone, row.updated_at = code, timezone, clock.now()
        row.save()
        after = model_state(row, exclude=("updated_at",))
        record_change(
            actor=actor,
            action=WorkflowAction.DEPARTMENT_HOURS,
            object_type="business_hours",
            object_id=str(row.pk),
            root=f"department:{department.pk}",
            after=after,
            before=before,
            reason=reason,
        )
    return row
