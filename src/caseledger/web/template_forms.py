"""The forms of the administration's taxonomy and process step pages (templates as data).
They parse and render; cases.services.taxonomy decides what is valid and allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caseledger.cases.models import Scheme, Severity
from caseledger.cases.services.taxonomy import REQUIRABLE


class CategoryEditForm(forms.Form):
    label_en = forms.CharField(label=_("English label"), max_length=120)
    label_zh = forms.CharField(label=_("Chinese label"), max_length=120)
    position = forms.IntegerField(label=_("Order"), min_value=0, required=False)
    is_active = forms.BooleanField(label=_("Offered for new cases"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)


class CategoryNewForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Kind of entry"), choices=Scheme.choices)
    parent = forms.ChoiceField(label=_("Under the category"), required=False)
    code = forms.SlugField(label=_("Code"), max_length=40)
    label_en = forms.CharField(label=_("English label"), max_length=120)
    label_zh = forms.CharField(label=_("Chinese label"), max_length=120)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— none: a category of its own —")), *parents]


class StepRuleForm(forms.Form):
    fields_required = forms.MultipleChoiceField(
        label=_("Fields to fill"),
        required=False,
        choices=[(f, f) for f in REQUIRABLE],
        widget=forms.CheckboxSelectMultiple,
    )
    reason_required = forms.BooleanField(label=_("A reason is required"), required=False)
    approval_severities = forms.MultipleChoiceField(
        label=_("A second person approves at these severities"),
        required=False,
        choices=Severity.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    within_minutes = forms.IntegerField(
        label=_("Must be done within (working minutes from receipt)"),
        required=False,
        min_value=1,
    )
    message_en = forms.CharField(
        label=_("Message to the customer (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("{reference} and {subject} are filled in."),
    )
    message_zh = forms.CharField(
        label=_("Message to the customer (Chinese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    legal_source = forms.CharField(label=_("Legal source"), required=False, max_length=300)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        from caseledger.web.display import field_label

        super().__init__(*args, **kwargs)
        self.fields["fields_required"].choices = [(f, field_label("case", f)) for f in REQUIRABLE]
