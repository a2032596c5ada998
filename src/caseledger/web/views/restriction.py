"""Restrict a case or a customer under PIPL Art 47, and lift it: a form with a required
reason, POST then redirect with a message, errors shown on the form. The services decide
who may (retention.manage; lifting needs to read the record, so compliance)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.cases.queries import case_get
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.customers.queries import customer_get
from caseledger.holds.restriction import may_see_restricted
from caseledger.retention.services import record_restrict, record_unrestrict
from caseledger.vault.masking import display_name
from caseledger.web.viewing import AuthedRequest, apply_errors, web_view


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _record(request: AuthedRequest, kind: str, pk: str):
    if kind == "case":
        case = case_get(actor=request.user, case_id=pk)
        return case, case.reference, "web:case_detail", "web:case_list"
    customer = customer_get(actor=request.user, customer_id=pk)
    return customer, display_name(customer), "web:customer_detail", "web:customer_list"


@web_view
@never_cache
def restriction(request: AuthedRequest, kind: str, pk: str, verb: str) -> HttpResponseBase:
    if kind not in ("case", "customer") or verb not in ("restrict", "unrestrict"):
        raise Http404
    record, name, detail, listing = _record(request, kind, pk)
    require(request.user, Perm.RETENTION_MANAGE)  # the service checks again
    on = verb == "restrict"
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        act = record_restrict if on else record_unrestrict
        try:
            act(actor=request.user, reason=form.cleaned_data["reason"], **{kind: record})
        except (ValidationFailed, Conflict) as exc:
            apply_errors(form, exc)
        else:
            if not on:
                messages.success(request, _("%(name)s is no longer restricted.") % {"name": name})
                return redirect(detail, pk)
            messages.success(
                request,
                _("%(name)s is restricted under PIPL Art 47: only compliance can open it now.")
                % {"name": name},
            )
            # Whoever cannot read restricted records cannot see it any more either.
            return redirect(detail, pk) if may_see_restricted(request.user) else redirect(listing)
    if form.errors:
        status = 422
    return render(
        request,
        "web/retention/restrict.html",
        {"form": form, "record": record, "kind": kind, "name": name, "on": on, "detail": detail},
        status=status,
    )
