"""Disposition in the retention console: due records by schedule, batches with approve,
reject and extend, certificates and their print view. Each view calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import CaseledgerError
from caseledger.disposition import services
from caseledger.disposition.queries import (
    batch_get,
    batch_items,
    batch_list,
    certificate_get,
    certificate_list,
    review_list,
)
from caseledger.retention.queries import schedule_get
from caseledger.web.viewing import AuthedRequest, error_text, page_of, web_view


@web_view
def review(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    context = {
        "rows": page_of(request, review_list(actor=user), param="due"),
        "batches": page_of(request, batch_list(actor=user), param="batches"),
        "can_propose": can(user, Perm.DISPOSITION_PROPOSE),
    }
    return render(request, "web/disposition/review.html", context)


@web_view
@require_POST
def propose(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    try:
        schedule = schedule_get(actor=user, code_or_id=request.POST.get("schedule", ""))
        chosen = request.POST.get("records", "").split()
        batch = services.disposition_propose(
            actor=user,
            schedule=schedule,
            records=chosen or None,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except CaseledgerError as exc:
        messages.error(request, error_text(exc))
        return redirect("web:disposition_review")
    messages.success(request, _("Batch %(id)s proposed.") % {"id": batch.pk})
    return redirect("web:disposition_batch", pk=batch.pk)


@web_view
def batch_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    batch = batch_get(actor=user, batch_id=pk)
    context = {
        "batch": batch,
        "items": batch_items(actor=user, batch=batch),
        "can_review": can(user, Perm.DISPOSITION_APPROVE) and user.pk != batch.proposed_by_id,
        "can_execute": can(user, Perm.DISPOSITION_PROPOSE) or can(user, Perm.DISPOSITION_APPROVE),
    }
    return render(request, "web/disposition/batch.html", context)


@web_view
@require_POST
def batch_act(request: AuthedRequest, pk: int, verb: str) -> HttpResponseBase:
    user = request.user
    batch = batch_get(actor=user, batch_id=pk)
    reason = request.POST.get("reason", "")
    try:
        if verb == "approve":
            services.disposition_approve(actor=user, batch=batch, reason=reason)
        elif verb == "reject":
            services.disposition_reject(actor=user, batch=batch, reason=reason)
        elif verb == "extend":
            services.disposition_extend(
                actor=user,
                record_type=batch.record_type,
                record_id=int(request.POST.get("record_id") or 0),
                due_on=request.POST.get("due_on", ""),
                reason=reason,
                batch=batch,
            )
        elif verb == "execute":
            services.disposition_execute(actor=user, batch=batch)
    except CaseledgerError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("web:disposition_batch", pk=pk)


@web_view
def certificates(request: AuthedRequest) -> HttpResponseBase:
    return render(
        request,
        "web/disposition/certificates.html",
        {"certificates": page_of(request, certificate_list(actor=request.user))},
    )


@web_view
def certificate_print(request: AuthedRequest, number: str) -> HttpResponseBase:
    cert = certificate_get(actor=request.user, number=number)
    return render(request, "web/disposition/certificate.html", {"cert": cert, "doc": cert.document})
