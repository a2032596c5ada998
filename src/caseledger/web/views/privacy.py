"""Privacy pages: review pending identifier changes, consent, privacy requests (with the
access export), and the re-verification worklist. Views parse, call one service, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from caseledger.core.errors import Conflict, NotFound, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.customers.queries import customer_get
from caseledger.privacy import services
from caseledger.privacy.models import OPEN_STATUSES, RequestKind
from caseledger.privacy.queries import (
    consent_get,
    pending_change_get,
    privacy_request_get,
    privacy_request_list,
    reverification_worklist,
)
from caseledger.privacy.request_due import today
from caseledger.web.viewing import AuthedRequest, error_text, page_of, web_view
from caseledger.web.views.customers import picker_customers

WORKLIST_SHOWN = 500


def _refused(request: AuthedRequest, exc: ValidationFailed | Conflict) -> None:
    messages.error(request, error_text(exc))


@web_view
@require_POST
def pending_change_decide(request: AuthedRequest, pk: int) -> HttpResponseBase:
    change = pending_change_get(actor=request.user, change_id=pk)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("decision") == "confirm":
            services.identifier_change_confirm(actor=request.user, change=change, reason=reason)
            messages.success(request, _("Confirmed %(masked)s.") % {"masked": change.masked})
        else:
            services.identifier_change_reject(actor=request.user, change=change, reason=reason)
            messages.success(request, _("Rejected %(masked)s.") % {"masked": change.masked})
    except (ValidationFailed, Conflict) as exc:
        _refused(request, exc)
    return redirect("web:customer_detail", pk=change.customer_id)


@web_view
@require_POST
def consent_grant(request: AuthedRequest, pk: int) -> HttpResponseBase:
    customer = customer_get(actor=request.user, customer_id=pk)
    data = {k: v for k, v in request.POST.items() if k in services.CONSENT_FIELDS and v}
    try:
        services.consent_grant(actor=request.user, customer=customer, data=data)
        messages.success(request, _("Consent recorded."))
    except ValidationFailed as exc:
        _refused(request, exc)
    return redirect("web:customer_detail", pk=customer.pk)


@web_view
@require_POST
def consent_withdraw(request: AuthedRequest, pk: int) -> HttpResponseBase:
    consent = consent_get(actor=request.user, consent_id=pk)
    try:
        services.consent_withdraw(
            actor=request.user, consent=consent, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Consent withdrawn."))
    except (ValidationFailed, Conflict) as exc:
        _refused(request, exc)
    return redirect("web:customer_detail", pk=consent.customer_id)


def _open_request(request: AuthedRequest) -> bool:
    """Record a request for the customer chosen with the picker (searched by name, phone or
    a case reference); a missing or unknown choice is said on the page, never a 404."""
    chosen = request.POST.get("customer", "").strip()
    try:
        if not is_id(chosen):
            raise ValidationFailed(
                _("Find the customer by name, phone or case reference, then choose them."),
                field="customer",
                code="required",
            )
        customer = customer_get(actor=request.user, customer_id=chosen)
        services.privacy_request_open(
            actor=request.user,
            customer=customer,
            kind=request.POST.get("kind", ""),
            received_on=request.POST.get("received_on") or None,
            channel=request.POST.get("channel", ""),
            details=request.POST.get("details", ""),
        )
    except (ValidationFailed, NotFound) as exc:
        messages.error(request, exc.shown())
        return False
    messages.success(request, _("Privacy request recorded."))
    return True


@web_view
def privacy_request_list_view(request: AuthedRequest) -> HttpResponseBase:
    if request.method == "POST":
        _open_request(request)
        return redirect("web:privacy_request_list")
    filters = {"open": request.GET.get("all") != "1", "customer": request.GET.get("customer")}
    page = page_of(request, privacy_request_list(actor=request.user, filters=filters))
    on = today()
    for row in page.rows:  # the due column says the date and how long is left, not a bare "due"
        left = (row.due_on - on).days if row.due_on else None
        row.days_left = left  # type: ignore[attr-defined]
        row.days_overdue = -left if left is not None else None  # type: ignore[attr-defined]
    return render(
        request,
        "web/privacy/requests.html",
        {
            "rows": page,
            "today": on,
            "open_statuses": list(OPEN_STATUSES),
            "kinds": RequestKind.choices,
            "customers": picker_customers(request.user, "", ""),
        },
    )


@web_view
@require_POST
def privacy_request_act(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Assign to me, complete, refuse, or export (access/copy: a JSON download, or the same
    export as a readable page to print or save as PDF)."""
    found = privacy_request_get(actor=request.user, request_id=pk)
    action = request.POST.get("action")
    try:
        if action in ("export", "export_html"):
            data = services.privacy_request_export(
                actor=request.user,
                request=found,
                reveal=request.POST.get("reveal") == "1",
                reason=request.POST.get("reason", ""),
            )
            if action == "export_html":
                return _readable_export(request, found, data)
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
            )
            name = f"customer-{found.customer_id}-request-{found.pk}.json"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
        if action == "assign":
            services.privacy_request_assign(actor=request.user, request=found, handler=request.user)
        else:
            services.privacy_request_complete(
                actor=request.user,
                request=found,
                outcome=request.POST.get("outcome", ""),
                refused=action == "refuse",
            )
        messages.success(request, _("Privacy request updated."))
    except (ValidationFailed, Conflict) as exc:
        _refused(request, exc)
    return redirect("web:privacy_request_list")


# The export's sections in reading order, with their headings.
EXPORT_SECTIONS = (
    ("customer", gettext_lazy("Customer")),
    ("contact_points", gettext_lazy("Contact points")),
    ("identifiers", gettext_lazy("Sensitive identifiers")),
    ("consents", gettext_lazy("Consents")),
    ("privacy_requests", gettext_lazy("Privacy requests")),
    ("cases", gettext_lazy("Cases")),
    ("notes", gettext_lazy("Notes")),
    ("attachments", gettext_lazy("Attachments")),
    ("journal", gettext_lazy("Journal")),
)


def _readable_export(request: AuthedRequest, found: Any, data: dict[str, Any]) -> HttpResponse:
    """The access/copy export as tables a person can read, print or save as PDF: the same
    data (and the same journaled export) as the JSON download."""
    sections = []
    for key, title in EXPORT_SECTIONS:
        rows = data.get(key) or []
        rows = [rows] if isinstance(rows, dict) else list(rows)
        columns = sorted({k for row in rows for k in row}) if rows else []
        table = [[json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                  for v in (row.get(c) for c in columns)] for row in rows]  # fmt: skip
        sections.append({"key": key, "title": title, "columns": columns, "rows": table})
    response = render(
        request,
        "web/privacy/export.html",
        {"request_row": found, "data": data, "sections": sections},
    )
    response["Cache-Control"] = "no-store"
    return response


@web_view
@require_GET
def reverification_view(request: AuthedRequest) -> HttpResponseBase:
    rows = list(reverification_worklist(actor=request.user)[: WORKLIST_SHOWN + 1])
    return render(
        request,
        "web/privacy/reverify.html",
        {"rows": rows[:WORKLIST_SHOWN], "more": len(rows) > WORKLIST_SHOWN},
    )
