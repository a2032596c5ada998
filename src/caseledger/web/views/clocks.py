"""Pausing, resuming and extending a case's clocks from its page."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.cases.queries import case_get
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.web.viewing import AuthedRequest, web_view
from caseledger.workflow.clocks import services


@web_view
@require_POST
def case_clock(request: AuthedRequest, pk: int, verb: str) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    post = request.POST
    try:
        if verb == "wait":
            services.case_wait(
                actor=request.user,
                case=case,
                reason=post.get("reason", ""),
                kind=post.get("kind", "customer"),
            )
            messages.success(request, _("The clocks are paused."))
        elif verb == "resume":
            services.case_resume(actor=request.user, case=case, reason=post.get("reason", ""))
            messages.success(request, _("The clocks run again."))
        elif verb == "extend":
            services.case_deadline_extend(
                actor=request.user,
                case=case,
                rule=post.get("rule", ""),
                reason=post.get("reason", ""),
                notice=post.get("notice", ""),
            )
            messages.success(request, _("The deadline was extended."))
        else:
            messages.error(request, _("Unknown action."))
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.shown())
    return redirect("web:case_detail", pk=pk)


@web_view
def notices(request: AuthedRequest) -> HttpResponseBase:
    """The in-app inbox of clock notices: due soon, breach, escalation."""
    from django.shortcuts import render

    from caseledger.web.viewing import page_of
    from caseledger.workflow.clocks.queries import my_alerts

    if request.method == "POST":
        n = services.clock_alerts_read(actor=request.user)
        messages.success(request, _("%(n)s notice(s) marked read.") % {"n": n})
        return redirect("web:notices")
    return render(
        request, "web/cases/notices.html", {"page": page_of(request, my_alerts(actor=request.user))}
    )
