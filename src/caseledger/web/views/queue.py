"""The department queue, "assign to me" and reassignment with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseledger.accounts.models import User
from caseledger.cases.queries import case_get
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.web.viewing import AuthedRequest, page_of, web_view
from caseledger.workflow.queues import services
from caseledger.workflow.queues.queries import queue


@web_view
@require_GET
def queue_view(request: AuthedRequest) -> HttpResponseBase:
    page = page_of(request, queue(actor=request.user))
    return render(request, "web/cases/queue.html", {"page": page})


@web_view
@require_POST
def case_take(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    try:
        services.case_take(actor=request.user, case=case)
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.shown())
        return redirect(request.POST.get("next") or "web:queue")
    messages.success(request, _("%(ref)s is yours now.") % {"ref": case.reference})
    return redirect("web:case_detail", pk=pk)


@web_view
@require_POST
def case_reassign(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    raw = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=raw).first() if is_id(raw) else None
    try:
        if raw and assignee is None:
            raise ValidationFailed(
                _("user %(ref)s does not exist") % {"ref": raw}, field="assignee"
            )
        services.case_reassign(
            actor=request.user, case=case, assignee=assignee, reason=request.POST.get("reason", "")
        )
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.shown())
    else:
        if assignee is None:
            messages.success(request, _("%(ref)s is back in the queue.") % {"ref": case.reference})
        else:
            messages.success(
                request,
                _("%(ref)s is assigned to %(who)s.")
                % {"ref": case.reference, "who": assignee.username},
            )
    return redirect("web:case_detail", pk=pk)
