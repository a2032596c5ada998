"""The data-quality sample page: a month's samples by department, each sampled record with
its outcome, and forms for reviewers. Views parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.privacy import services
from caseledger.privacy.models import QualityOutcome
from caseledger.privacy.quality import (
    parse_month,
    quality_check_get,
    quality_checks,
    quality_samples,
)
from caseledger.web.viewing import AuthedRequest, error_text, web_view


def _back(month: str) -> HttpResponseBase:
    url = reverse("web:quality")
    return redirect(f"{url}?month={month}" if month else url)


@web_view
def quality_view(request: AuthedRequest) -> HttpResponseBase:
    try:
        month = parse_month(request.GET.get("month"))
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
        month = parse_month(None)
    samples = [
        (sample, list(quality_checks(sample)))
        for sample in quality_samples(actor=request.user, month=month)
    ]
    return render(
        request,
        "web/privacy/quality.html",
        {
            "month": month,
            "samples": samples,
            "outcomes": [c for c in QualityOutcome.choices if c[0] != QualityOutcome.PENDING],
            "can_draw": can(request.user, Perm.CUSTOMER_APPROVE),
            "may_review": {
                s.department_id
                for s, _checks in samples
                if can(request.user, Perm.CUSTOMER_APPROVE, s.department_id)
            },
        },
    )


@web_view
@require_POST
def quality_draw(request: AuthedRequest) -> HttpResponseBase:
    month = request.POST.get("month", "")
    try:
        drawn = services.quality_sample_draw(actor=request.user, month=month or None)
        messages.success(
            request, _("Samples for %(n)d department(s) are ready.") % {"n": len(drawn)}
        )
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
    return _back(month)


@web_view
@require_POST
def quality_check(request: AuthedRequest, pk: int) -> HttpResponseBase:
    check = quality_check_get(actor=request.user, check_id=pk)
    try:
        services.quality_check_record(
            actor=request.user,
            check=check,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Outcome recorded for %(name)s.") % {"name": check.customer})
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, error_text(exc))
    return _back(f"{check.sample.month:%Y-%m}")
