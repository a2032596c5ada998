"""The process on a case's page (issue 12): moving it through the step's guards (a close
that needs a second person becomes a request), a supervisor approving or rejecting that
request, and the acknowledgement to the customer. Each view calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.cases import services
from caseledger.cases.models import StepApproval
from caseledger.cases.queries import case_get
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.intake.reply.acknowledge import case_acknowledge
from caseledger.retention.errors import Held
from caseledger.web.forms import TransitionForm
from caseledger.web.viewing import AuthedRequest, error_text, web_view


@web_view
@require_POST
def case_transition(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That status change was not understood."))
        return redirect("web:case_detail", pk=case.pk)
    data = {k: form.cleaned_data[k] for k in ("resolution", "root_cause") if form.cleaned_data[k]}
    try:
        moved = services.case_move(
            actor=request.user,
            case=case,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            data=data,
            expected_version=form.cleaned_data["version"],
        )
    except Held as exc:
        messages.error(request, exc.shown())
    except Conflict as exc:
        messages.error(
            request,
            exc.shown()
            if exc.code == "pending_approval"
            else _(
                "This case was changed by someone else; it has been "
                "reloaded. Check it and try again."
            ),
        )
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))  # names each missing field by its label
    else:
        if moved.waiting:
            messages.info(
                request,
                _("This move needs a second person's approval; a supervisor has been asked."),
            )
        else:
            messages.success(
                request,
                _("Status is now %(status)s.") % {"status": moved.case.get_status_display()},
            )
    return redirect("web:case_detail", pk=case.pk)


@web_view
@require_POST
def approval_decide(request: AuthedRequest, pk: int, verb: str) -> HttpResponseBase:
    row = get_object_or_404(StepApproval, pk=pk)
    case = case_get(actor=request.user, case_id=row.case_id)
    reason = request.POST.get("reason", "")
    try:
        if verb == "approve":
            services.approval_approve(actor=request.user, approval=row, reason=reason)
            messages.success(request, _("Approved: the case has moved."))
        else:
            services.approval_reject(actor=request.user, approval=row, reason=reason)
            messages.success(request, _("Rejected: the case stays where it was."))
    except (ValidationFailed, Conflict, Held) as exc:
        messages.error(
            request, error_text(exc) if isinstance(exc, ValidationFailed) else exc.shown()
        )
    return redirect("web:case_detail", pk=case.pk)


@web_view
@require_POST
def case_acknowledge_view(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    try:
        done = case_acknowledge(
            actor=request.user,
            case=case,
            language=request.POST.get("language", ""),
            email=request.POST.get("email", "on") == "on",
        )
    except (ValidationFailed, Conflict, Held) as exc:
        messages.error(
            request, error_text(exc) if isinstance(exc, ValidationFailed) else exc.shown()
        )
    else:
        if done.reply.email == "failed":
            messages.warning(
                request,
                _("Acknowledged; the e-mail could not be sent (%(reason)s): try again below.")
                % {"reason": done.reply.reason},
            )
        else:
            messages.success(request, _("Acknowledged to the customer."))
    return redirect("web:case_detail", pk=case.pk)
