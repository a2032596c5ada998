"""History and "as of" for any journaled record: one view helper, one template."""

from __future__ import annotations

from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.cases.queries import case_get
from caseledger.customers.queries import customer_get
from caseledger.journal.queries import history, state_as_of
from caseledger.vault.masking import display_name
from caseledger.web.display import shown_history, shown_state
from caseledger.web.forms import AsOfForm
from caseledger.web.viewing import AuthedRequest, clean_filters, web_view


def render_history(
    request: AuthedRequest, *, object_type: str, object_id: int, title: str, back_url: str
) -> HttpResponseBase:
    """Callers have already fetched the record through its scoped query: that is the check."""
    form = AsOfForm(request.GET or None)
    as_of = clean_filters(form).get("as_of")
    state = state_as_of(object_type, str(object_id), as_of, masked=True) if as_of else None
    context = {
        "title": title,
        "back_url": back_url,
        "entries": shown_history(history(f"{object_type}:{object_id}", masked=True)),
        "can_journal": can(request.user, Perm.JOURNAL_VIEW),
        "form": form,
        "as_of": as_of,
        "state": state,
        "state_rows": shown_state(object_type, state),
    }
    return render(request, "web/history.html", context)


@web_view
@require_GET
def case_history(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    return render_history(
        request,
        object_type="case",
        object_id=case.pk,
        title=f"{case.reference} {case.subject}",
        back_url=reverse("web:case_detail", args=[case.pk]),
    )


@web_view
@require_GET
def customer_history(request: AuthedRequest, pk: int) -> HttpResponseBase:
    customer = customer_get(actor=request.user, customer_id=pk)
    return render_history(
        request,
        object_type="customer",
        object_id=customer.pk,
        title=display_name(customer),
        back_url=reverse("web:customer_detail", args=[customer.pk]),
    )
