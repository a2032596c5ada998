"""Quick entry for an agent on a call: the caller's number finds them and their open and
recent cases; one form records the call as a new case (channel phone) or adds it to one of
their open cases (intake.phone)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import visible_departments
from caseledger.cases.models import CaseKind
from caseledger.cases.taxonomy import category_choices
from caseledger.core.errors import NotFound, ValidationFailed
from caseledger.intake.phone.queries import Caller, caller_lookup
from caseledger.intake.phone.services import phone_call_record
from caseledger.web.forms import TextField
from caseledger.web.viewing import AuthedRequest, apply_errors, web_view

BLANK = [("", "—")]


class CallForm(forms.Form):
    number = forms.CharField(label=_("Caller's number"), max_length=40)
    case = forms.ChoiceField(label=_("Add the call to"), required=False)
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="—", label=_("Department"), required=False
    )
    name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, initial="complaint")
    category = forms.ChoiceField(label=_("Category"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    note = TextField(
        label=_("What the caller says"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )

    def __init__(self, *args: Any, actor: Any, caller: Caller, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = visible_departments(actor=actor, perm=Perm.CASE_MODIFY)
        department = self.fields["department"]
        case, category = self.fields["case"], self.fields["category"]
        assert isinstance(department, forms.ModelChoiceField)
        assert isinstance(case, forms.ChoiceField) and isinstance(category, forms.ChoiceField)
        department.queryset = departments
        if departments.count() == 1:
            department.initial = departments.first()
        new = gettext("a new case")
        case.choices = [("", new)] + [
            (str(c.pk), f"{c.reference} · {c.subject[:60]}") for c in caller.open_cases
        ]
        category.choices = BLANK + category_choices()
        # A known caller's name is never put into the page: it is masked for whoever may
        # not reveal it, and the intake files the case under the customer the number
        # matches. The name is asked for only when the number matches no one.
        self.known_caller = bool(caller.customers)
        if self.known_caller:
            self.fields["name"].help_text = _(
                "Known caller: leave empty to keep the name on record; a different name "
                "is flagged on the case for checking."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("case"):  # a new case needs what a case needs
            needed = ("department", "category", "subject")
            for name in needed if self.known_caller else ("name", *needed):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, gettext("Needed for a new case."))
        return data


@web_view
def phone_entry(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.CASE_MODIFY)
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()
    caller = caller_lookup(actor=request.user, number=number) if number else Caller(number="")
    posted = request.method == "POST"
    form = CallForm(
        request.POST if posted else None,
        actor=request.user,
        caller=caller,
        initial={"number": number},
    )
    if posted and form.is_valid():
        data = {k: getattr(v, "pk", v) for k, v in form.cleaned_data.items()}
        try:
            done = phone_call_record(actor=request.user, data=data)
        except (ValidationFailed, NotFound) as exc:
            apply_errors(form, exc)
        else:
            text = (
                gettext("The call was added to %(ref)s.")
                if done.note is not None
                else gettext("Case %(ref)s recorded from the call.")
            )
            messages.success(request, text % {"ref": done.case.reference})
            return redirect("web:case_detail", pk=done.case.pk)
    context = {"form": form, "caller": caller, "looked_up": bool(number), "number": number}
    return render(request, "web/phone/entry.html", context, status=422 if form.errors else 200)
