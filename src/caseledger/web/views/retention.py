"""The retention console: legal holds (place, release), schedules with their sources,
and how many records are due, due soon or unscheduled."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from caseledger.accounts.access import can, require
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.retention.holds import FILTER_KEYS
from caseledger.retention.overview import due_by_month, unscheduled_records
from caseledger.retention.queries import hold_get, hold_list, retention_counts, schedule_list
from caseledger.retention.services import hold_place, hold_release
from caseledger.web.forms import CaseFilterForm
from caseledger.web.viewing import AuthedRequest, apply_errors, page_of, web_view


class HoldForm(forms.Form):
    matter = forms.CharField(label=gettext_lazy("Matter"), max_length=200)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=[
            ("cases", gettext_lazy("Named cases")),
            ("customers", gettext_lazy("Named customers and all their cases")),
            ("filter", gettext_lazy("Every case matching a filter")),
        ],
    )
    targets = forms.CharField(
        label=gettext_lazy("Cases or customers"),
        required=False,
        help_text=gettext_lazy("Case references or ids, or customer ids, separated by spaces"),
    )


class HoldFilterForm(CaseFilterForm):
    """The case list's own filters, narrowed to those a hold can keep re-evaluating
    (retention.holds.FILTER_KEYS): a hold's scope is chosen the way cases are listed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "filter")
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in FILTER_KEYS:
                del self.fields[name]

    def saved(self) -> dict[str, str] | None:
        """The filter as a hold stores it: department by id, days as YYYY-MM-DD."""
        raw = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "department" in raw:
            raw["department"] = str(raw["department"].pk)
        for key in ("received_from", "received_to"):
            if key in raw:
                raw[key] = raw[key].isoformat()
        return {k: str(v) for k, v in raw.items()} or None


def _console(
    request: AuthedRequest,
    form: HoldForm | None = None,
    filter_form: HoldFilterForm | None = None,
    status: int = 200,
):
    user = request.user
    context = {
        "holds": page_of(request, hold_list(actor=user, active=True), param="holds"),
        "released": hold_list(actor=user, active=False)[:20],
        "schedules": page_of(request, schedule_list(actor=user), param="schedules"),
        "counts": retention_counts(actor=user)["by_state"],
        "due_months": due_by_month(actor=user),
        "unscheduled": unscheduled_records(actor=user),
        "can_hold": can(user, Perm.HOLD_MANAGE),
        "form": form or HoldForm(),
        "filter_form": filter_form or HoldFilterForm(actor=user),
    }
    return render(request, "web/retention/console.html", context, status=status)


@web_view
def retention_console(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.RETENTION_VIEW)
    return _console(request)


@web_view
@require_POST
def hold_place_view(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.HOLD_MANAGE)  # hold_place checks again
    form = HoldForm(request.POST)
    filter_form = HoldFilterForm(request.POST, actor=request.user)
    if form.is_valid() and filter_form.is_valid():
        data = form.cleaned_data
        targets = data["targets"].split()
        case_filter = filter_form.saved() if data["scope"] == "filter" else None
        try:
            hold = hold_place(
                actor=request.user,
                matter=data["matter"],
                reason=data["reason"],
                scope=data["scope"],
                cases=targets if data["scope"] == "cases" else (),
                customers=targets if data["scope"] == "customers" else (),
                case_filter=case_filter,
            )
        except ValidationFailed as exc:
            if exc.field and exc.field.startswith("filter"):
                filter_form.add_error(None, _("Choose at least one filter for the cases to hold."))
            apply_errors(form, exc, {"cases": "targets", "customers": "targets", "filter": "scope"})
        else:
            messages.success(request, _("Hold %(matter)s placed.") % {"matter": hold.matter})
            return redirect("web:retention")
    return _console(request, form, filter_form, status=422)


@web_view
@require_POST
def hold_release_view(request: AuthedRequest, pk: int) -> HttpResponseBase:
    hold = hold_get(actor=request.user, hold_id=pk)
    try:
        hold_release(actor=request.user, hold=hold, reason=request.POST.get("reason", ""))
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.shown())
    else:
        messages.success(request, _("Hold %(matter)s released.") % {"matter": hold.matter})
    return redirect("web:retention")
