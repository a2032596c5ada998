"""Customer pages: list, form, the customer with contact points and their cases."""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from django import forms
from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import may
from caseledger.cases.queries import case_get, case_list
from caseledger.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.customers import services
from caseledger.customers.queries import (
    contact_point_get,
    customer_get,
    customer_list,
    merged_from,
    probable_duplicates,
)
from caseledger.customers.services import CUSTOMER_FIELDS
from caseledger.vault.masking import display_name
from caseledger.web.forms import (
    ContactPointForm,
    CustomerCreateForm,
    CustomerEditForm,
    CustomerFilterForm,
    IdentifierForm,
)
from caseledger.web.reveal import reveal_page
from caseledger.web.viewing import (
    AuthedRequest,
    apply_errors,
    clean_filters,
    edit_page,
    page_of,
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
    """Visible customers matching q (name, phone, e-mail; or a case reference: that case's
    customer) for the case and privacy request forms, the selected one always included."""
    if q.upper().startswith("CL-"):
        try:
            customers = [case_get(actor=actor, case_id=q).customer]
        except (NotFound, PermissionDenied):
            customers = []
    else:
        compact = q.replace(" ", "").replace("-", "")
        if compact.lstrip("+").isdigit():  # a phone as typed: "138 1234-5678"
            q = compact
        customers = list(customer_list(actor=actor, filters={"q": q})[:PICKER_SIZE])
    if is_id(selected) and all(str(c.pk) != selected for c in customers):
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
            messages.success(
                request, _("Customer %(name)s created.") % {"name": display_name(customer)}
            )
            if probable_duplicates(actor=request.user, customer=customer):
                messages.warning(
                    request,
                    _("Probable duplicate: another customer has the same phone or e-mail."),
                )
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
    can_modify = may(request.user, Perm.CUSTOMER_MODIFY, customer.department_id)
    merged_away = customer.merged_into_id is not None
    context = {
        "customer": customer,
        "can_modify": can_modify and not merged_away,
        "can_unmerge": can_modify and merged_away,
        "can_open_case": may(request.user, Perm.CASE_MODIFY, customer.department_id)
        and not merged_away,
        "contact_points": list(customer.contact_points.all()),
        "duplicates": []
        if merged_away
        else probable_duplicates(actor=request.user, customer=customer),
        "merged_from": list(merged_from(actor=request.user, customer=customer)),
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
    initial = _edit_initial(customer)
    # A person's name is shown masked everywhere but the journaled reveal: the edit form
    # does not put it into the page either. Left empty, the name on record is kept (only
    # changed fields are sent); typed, it replaces it.
    masked_name = customer.kind == "person"
    if masked_name:
        initial["name"] = ""
    form = CustomerEditForm(request.POST or None, actor=request.user, initial=initial)
    if masked_name:
        form.fields["name"].required = False
        form.fields["name"].help_text = _(
            "Shown masked: leave empty to keep the name on record, or type the corrected name."
        )
    update = functools.partial(services.customer_update, actor=request.user, customer=customer)
    stale = _(
        "This customer was changed by someone else while you were editing. "
        "Open it again to see the current version, then make your change."
    )
    return edit_page(
        request,
        form,
        (CUSTOMER_FIELDS, update, stale),
        (_("Customer saved."), "web:customer_detail", customer.pk),
        ("web/customers/form.html", {"customer": customer}),
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


@web_view
@never_cache
def contact_point_reveal(request: AuthedRequest, pk: int) -> HttpResponseBase:
    point = contact_point_get(actor=request.user, point_id=pk)
    return reveal_page(
        request,
        customer=point.customer,
        title=_("Reveal a contact point"),
        what=point.get_kind_display(),
        masked=point.masked,
        reveal=lambda reason: services.contact_point_reveal(
            actor=request.user, point=point, reason=reason
        ),
    )


@web_view
@never_cache
def customer_name_reveal(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """A person's full name, masked everywhere else (services.customer_name_reveal)."""
    customer = customer_get(actor=request.user, customer_id=pk)
    return reveal_page(
        request,
        customer=customer,
        title=_("Reveal the name"),
        what=_("Name"),
        masked=display_name(customer),
        reveal=lambda reason: services.customer_name_reveal(
            actor=request.user, customer=customer, reason=reason
        ),
    )


class MergeForm(forms.Form):
    survivor = forms.IntegerField(
        label=gettext_lazy("Keep this customer (number)"),
        min_value=1,
        help_text=gettext_lazy("Everything of this customer moves to the one you keep."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)
    confirm = forms.BooleanField(
        label=gettext_lazy("I checked that both records are the same person"), required=False
    )


def _preview(request: AuthedRequest, customer) -> dict[str, Any]:
    try:
        cases = case_list(actor=request.user, filters={"customer": customer.pk}).count()
    except PermissionDenied:
        cases = None
    return {
        "customer": customer,
        "contact_points": list(customer.contact_points.all()),
        "identifiers": list(customer.identifiers.all()),
        "cases": cases,
    }


@web_view
def customer_merge(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Choose the survivor and a reason, see both records side by side, confirm."""
    merged = customer_get(actor=request.user, customer_id=pk)
    require(request.user, Perm.CUSTOMER_MODIFY, merged.department_id)  # service checks again
    initial = {"survivor": request.GET.get("survivor") or None}
    form = MergeForm(request.POST or None, initial=initial)
    survivor = None
    status = 200
    if form.is_bound and form.is_valid():
        try:
            survivor = customer_get(actor=request.user, customer_id=form.cleaned_data["survivor"])
        except NotFound as exc:
            form.add_error("survivor", exc.shown())
        if survivor is not None and form.cleaned_data["confirm"]:
            try:
                result = services.customer_merge(
                    actor=request.user,
                    survivor=survivor,
                    merged=merged,
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationFailed, Conflict) as exc:  # Conflict: held, already merged …
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(merged)s was merged into %(survivor)s. The merge can be undone.")
                    % {"merged": display_name(merged), "survivor": display_name(survivor)},
                )
                return redirect("web:customer_detail", pk=result.survivor.pk)
        elif survivor is not None:
            form.add_error("confirm", _("Check both records below, then confirm."))
    if form.errors:
        status = 422
    context = {
        "customer": merged,
        "form": form,
        "duplicates": probable_duplicates(actor=request.user, customer=merged),
        "left": _preview(request, merged),
        "right": _preview(request, survivor) if survivor is not None else None,
    }
    return render(request, "web/customers/merge.html", context, status=status)


@web_view
@require_POST
def customer_unmerge(request: AuthedRequest, pk: int) -> HttpResponseBase:
    merged = customer_get(actor=request.user, customer_id=pk)
    reason = request.POST.get("reason", "")
    try:
        services.customer_unmerge(actor=request.user, merged=merged, reason=reason)
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.shown())
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("web:customer_detail", pk=merged.pk)
