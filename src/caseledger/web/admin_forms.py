"""Forms of the administration area: people, departments, offboarding. They parse and
render; accounts.services and workflow.services decide what is valid and allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import ROLE_LABELS


def _active_departments():
    return Department.objects.filter(is_active=True).order_by("name")


class DepartmentForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits, - and _; it cannot change later"),
    )
    name = forms.CharField(label=_("Name"), max_length=120)


class DepartmentEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    public_form = forms.BooleanField(
        label=_("Takes complaints from the public form"),
        required=False,
        help_text=_(
            "The public complaint form (/complain/) files to one department: ticking it "
            "here takes it from any other. Unticked everywhere, the form is closed."
        ),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    department = forms.ModelChoiceField(
        label=_("Works in (department)"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Agents and supervisors work cases of this department"),
    )
    supervised_departments = forms.ModelMultipleChoiceField(
        label=_("Supervises"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("A supervisor reviews and approves in these departments too"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _active_departments()
        self.fields["supervised_departments"].queryset = _active_departments()


class NewPersonForm(PersonForm):
    username = forms.CharField(label=_("Username"), max_length=150)

    field_order = ["username", "full_name", "email", "roles", "department"]


class DeactivateForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Successor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Takes over the open work the successor may do; the rest goes to the department queue"
        ),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, leaver: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True).exclude(pk=leaver.pk).order_by("username")
        )
