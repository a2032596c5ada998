"""The holiday calendar and business hours in the administration area: see a year's days
off and make-up working days, adopt the shipped year, import an iCalendar file, set or
remove a day, and set a department's hours."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.accounts.access import require
from caseledger.accounts.models import Department
from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import department_by
from caseledger.core import clock
from caseledger.core.errors import CaseledgerError, PermissionDenied, ValidationFailed
from caseledger.web.viewing import AuthedRequest, web_view
from caseledger.workflow.calendars import services
from caseledger.workflow.calendars.presets import PRESETS
from caseledger.workflow.calendars.queries import (
    calendar_days,
    format_hours,
    parse_hours,
    work_calendar,
)

MAX_ICS_BYTES = 1024 * 1024


@web_view
def calendar_view(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.USER_VIEW)
    try:
        year = int(request.GET.get("year") or clock.now().year)
    except ValueError:
        year = clock.now().year
    departments = [
        (d, format_hours(work_calendar(d.pk).hours))
        for d in Department.objects.filter(is_active=True).order_by("name")
    ]
    context = {
        "year": year,
        "days": calendar_days("cn", year),
        "presets": list(PRESETS),
        "departments": departments,
    }
    return render(request, "web/administration/calendar.html", context)


@web_view
@require_POST
def calendar_act(request: AuthedRequest, verb: str) -> HttpResponseBase:
    post = request.POST
    try:
        if verb == "adopt":
            result = services.calendar_adopt(actor=request.user, preset=post.get("preset", ""))
            messages.success(request, _("%(n)s day(s) changed.") % {"n": result["changed"]})
        elif verb == "import":
            upload = request.FILES.get("file")
            if upload is None or (upload.size or 0) > MAX_ICS_BYTES:
                raise ValidationFailed(_("choose an .ics file of at most 1 MB"), field="file")
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValidationFailed(_("the file is not UTF-8 text"), field="file") from exc
            result = services.calendar_import_ics(
                actor=request.user, text=text, source=upload.name or "upload"
            )
            messages.success(request, _("%(n)s day(s) changed.") % {"n": result["changed"]})
        elif verb in ("set", "remove"):
            try:
                day = dt.date.fromisoformat(post.get("day", ""))
            except ValueError as exc:
                raise ValidationFailed(_("give a date as YYYY-MM-DD"), field="day") from exc
            if verb == "set":
                services.calendar_day_set(
                    actor=request.user,
                    day=day,
                    kind=post.get("kind", ""),
                    name=post.get("name", ""),
                )
            else:
                services.calendar_day_remove(
                    actor=request.user, day=day, reason=post.get("reason", "")
                )
            messages.success(request, _("%(day)s saved.") % {"day": day})
        elif verb == "hours":
            department = department_by(post.get("department", ""))
            try:
                hours = parse_hours(post.get("hours", ""))
            except ValueError as exc:
                raise ValidationFailed(str(exc), field="hours") from exc
            services.business_hours_set(
                actor=request.user,
                department=department,
                hours=hours,
                reason=post.get("reason", ""),
            )
            messages.success(request, _("Hours of %(code)s saved.") % {"code": department.code})
    except PermissionDenied:
        raise  # web_view answers 403
    except CaseledgerError as exc:
        messages.error(request, exc.shown())
    return redirect("web:calendar")
