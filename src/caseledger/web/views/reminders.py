"""Retention reminders of the logged-in person: the list, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caseledger.retention.models import Reminder
from caseledger.retention.services import reminder_mark_read
from caseledger.web.viewing import AuthedRequest, page_of, web_view


@web_view
def reminder_list(request: AuthedRequest) -> HttpResponseBase:
    if request.method == "POST":
        ids = None if request.POST.get("all") == "1" else request.POST.getlist("reminder")
        n = reminder_mark_read(actor=request.user, reminder_ids=ids)
        messages.success(
            request,
            ngettext("%(n)d reminder marked read.", "%(n)d reminders marked read.", n) % {"n": n},
        )
        return redirect("web:reminders")
    show_read = request.GET.get("read") == "1"
    qs = Reminder.objects.filter(recipient=request.user).select_related("schedule")
    if not show_read:
        qs = qs.filter(read_at__isnull=True)
    page = page_of(request, qs.order_by("due_on", "id"))
    return render(
        request,
        "web/retention/reminders.html",
        {"page": page, "show_read": show_read, "title": _("Retention reminders")},
    )
