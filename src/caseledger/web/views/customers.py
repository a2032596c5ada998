"""Customer pages: list, form, the customer with contact points and their cases."""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import may
from caseledger.cases.queries import case_list
from caseledger.core.errors import NotFound, PermissionDenied, ValidationFailed
from caseledger.customers import services
from caseledger.customers.queries import customer_get, customer_list
from caseledger.customers.services import CUSTOMER_FIELDS
from caseledger.web.forms import (
    ContactPointForm,
    CustomerCreateForm,
    CustomerEditForm,
    CustomerFilterForm,
    IdentifierForm,
)
from caseledger.web.viewing import (
    AuthedRequest,
    apply_errors,
    clean_filters,
    page_of,
    submit_versioned_edit,
    web_view,
)

PICKER_SIZE = 20
CUSTOMER_CASES_SHOWN = 50
# The create form's single contact point is item 0 of the service's contact_points list.
CONTACT_ALIASES = {
    "contact_points[0].value": "contact_value",
    "contact_points[0].kind": "contact_kind",
}


@web_view
@require_GET
def customer_list_view(request: AuthedRequest) -> HttpResponseBase:
    form = CustomerFilterForm(request.GET or None, actor=request.user)
    filters = {k: getattr(v, "pk", v) for k, v in clean_filters(form).items()}
    page = page_of(request, customer_list(actor=request.user, filters=filters))
    context = {"form": form, "page": page}
    if request.htmx and not request.htmx.boosted:
        return render(request, "web/customers/_results.html", context)
    return render(request, "web/customers/list.html", context)


def picker_customers(actor, q: str, selected: str) -> list:
    """Visible customers matching q for the case form, the selected one always included."""
    customers = list(customer_list(actor=actor, filters={"q": q})[:PICKER_SIZE])
    if selected.isdigit() and all(str(c.pk) != selected for c in customers):
        with contextlib.suppress(NotFound):
            customers.insert(0, customer_get(actor=actor, customer_id=selected))
    return customers


@web_view
@require_GET
def customer_picker(request: AuthedRequest) -> HttpResponseBase:
    selected = request.GET.get("customer", "")
    customers = picker_customers(request.user, request.GET.get("customer_q", "").strip(), selected)
    return render(
        request,
        "web/partials/_customer_options.html",
        {"customers": customers, "selected": selected},
    )


def _create_data(form: CustomerCreateForm) -> dict[str, Any]:
    data = {k: getattr(v, "pk", v) for k, v in form.cleaned_data.items()}
    kind, value = data.pop("contact_kind"), data.pop("contact_value")
    data = {k: v for k, v in data.items() if v not in (None, "")}
    if value:
        data["contact_points"] = [
            {"kind": kind, "value": value, "is_primary": True}
            if kind
            else {"value": value, "is_primary": True}
        ]
    return data


@web_view
def customer_create(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.CUSTOMER_MODIFY)  # an empty form is no use to a reader
    form = CustomerCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(actor=request.user, data=_create_data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc, aliases=CONTACT_ALIASES)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("web:customer_detail", pk=customer.pk)
    return render(
        request,
        "web/customers/form.html",
        {"form": form, "creating": True},
        status=422 if form.errors else 200,
    )


def detail_context(request: AuthedRequest, customer, **extra: Any) -> dict[str, Any]:
    try:
        cases = list(
            case_list(actor=request.user, filters={"customer": customer.pk})[
                : CUSTOMER_CASES_SHOWN + 1
            ]
        )
    except PermissionDenied:
        cases = []
    context = {
        "customer": customer,
        "can_modify": may(request.user, Perm.CUSTOMER_MODIFY, customer.department_id),
        "can_open_case": may(request.user, Perm.CASE_MODIFY, customer.department_id),
        "contact_points": customer.contact_points.all(),
        "cases": cases[:CUSTOMER_CASES_SHOWN],
        "more_cases": len(cases) > CUSTOMER_CASES_SHOWN,
        "contact_form": ContactPointForm(),
        "identifiers": customer.identifiers.all(),
        "identifier_form": IdentifierForm(),
        "can_reveal": may(request.user, Perm.CUSTOMER_REVEAL, customer.department_id),
    }
    context.update(extra)
    return context


@web_view
@require_GET
def customer_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    customer = customer_get(actor=request.user, customer_id=pk)
    return render(request, "web/customers/detail.html", detail_context(request, customer))


def _edit_initial(customer) -> dict[str, Any]:
    return {
        "kind": customer.kind,
        "name": customer.name,
        "department": customer.department_id,
        "relationship_status": customer.relationship_status,
        "relationship_ended_on": customer.relationship_ended_on,
        "tags": ", ".join(customer.tags or []),
        "version": customer.version,
    }


@web_view
def customer_edit(request: AuthedRequest, pk: int) -> HttpResponseBase:
    customer = customer_get(actor=request.user, customer_id=pk)
    require(request.user, Perm.CUSTOMER_MODIFY, customer.department_id)  # service checks again
    form = CustomerEditForm(
        request.POST or None, actor=request.user, initial=_edit_initial(customer)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = submit_versioned_edit(
            form,
            CUSTOMER_FIELDS,
            functools.partial(services.customer_update, actor=request.user, customer=customer),
            _(
                "This customer was changed by someone else while you were editing. "
                "Open it again to see the current version, then make your change."
            ),
        )
        if outcome.unchanged:
            messages.info(request, _("Nothing was changed."))
            return redirect("web:customer_detail", pk=customer.pk)
        if outcome.saved:
            messages.success(request, _("Customer saved."))
            return redirect("web:customer_detail", pk=customer.pk)
        status = outcome.status
    if form.errors and status == 200:
        status = 422
    return render(
        request, "web/customers/form.html", {"form": form, "customer": customer}, status=status
    )


@web_view
@require_POST
def contact_point_add(request: AuthedRequest, pk: int) -> HttpResponseBase:
    customer = customer_get(actor=request.user, customer_id=pk)
    form = ContactPointForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.contact_point_add(actor=request.user, customer=customer, data=data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            if not request.htmx:
                return redirect("web:customer_detail", pk=customer.pk)
            customer = customer_get(actor=request.user, customer_id=pk)
            form = ContactPointForm()
    context = detail_context(request, customer, contact_form=form)
    if request.htmx:
        return render(request, "web/customers/_contacts.html", context)
    return render(request, "web/customers/detail.html", context, status=422)
