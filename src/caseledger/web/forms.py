"""HTML forms. They parse and render; the services decide what is valid and allowed."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import assignable_users, assignee_choices, visible_departments
from caseledger.cases.models import CaseKind, Channel, NoteKind, Priority, Severity, Status
from caseledger.cases.taxonomy import (
    categories,
    category_choices,
    category_label,
    grouped_choices,
)
from caseledger.core.ids import is_id
from caseledger.customers.models import (
    ContactKind,
    CustomerKind,
    IdentifierKind,
    RelationshipStatus,
)
from caseledger.workflow.assign.queries import absent_ids

BLANK = [("", "—")]
LOCAL_SECOND = "%Y-%m-%dT%H:%M:%S"


def _choices(choices, *, blank: bool = True) -> list:
    return (BLANK if blank else []) + list(choices)


def subcategory_choices(category: str | None = None) -> list:
    """Grouped by category, or only the given category's subcategories."""
    if category:
        subs = categories(active_only=False).get(category, ("", {}))[1]
        return BLANK + list(subs.items())
    return BLANK + [(label, list(subs.items())) for label, subs in categories().values() if subs]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        # Seconds are kept so an untouched value compares equal and journals nothing.
        super().__init__(format=LOCAL_SECOND, attrs={"step": "1"}, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class TextField(forms.CharField):
    """Browsers send CRLF from a textarea; stored text uses LF, so compare and save LF."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class CaseForm(forms.Form):
    """Create form. `customer` is an id picked from the visible customers."""

    customer = forms.IntegerField(label=_("Customer"), min_value=1)
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="—", label=_("Department")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=_choices(CaseKind.choices))
    channel = forms.ChoiceField(label=_("Channel"), choices=_choices(Channel.choices))
    category = forms.ChoiceField(label=_("Category"), choices=lambda: _choices(grouped_choices()))
    subcategory = forms.ChoiceField(
        label=_("Subcategory"), required=False, choices=subcategory_choices
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="—", label=_("Assignee"), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = TextField(label=_("Description"), required=False, widget=_area(6))
    customer_request = TextField(
        label=_("What the customer asks for"), required=False, widget=_area(3)
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Leave empty for now."),
    )
    product_ref = forms.CharField(label=_("Product"), required=False, max_length=100)
    order_ref = forms.CharField(label=_("Order"), required=False, max_length=100)
    contract_ref = forms.CharField(label=_("Contract"), required=False, max_length=100)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        departments = visible_departments(actor=actor, perm=Perm.CASE_MODIFY)
        self.fields["department"].queryset = departments
        chosen = self.data.get("department") or self.initial.get("department")
        holder = self.initial.get("assignee")  # one already holding it stays choosable
        self.fields["assignee"].queryset = assignable_users(
            actor=actor, department_id=int(chosen) if is_id(str(chosen or "")) else None
        ).exclude(pk__in=absent_ids() - {holder})
        if "department" not in self.initial and len(departments) == 1:
            self.initial["department"] = departments[0].pk
        department_id = int(chosen) if is_id(str(chosen or "")) else None
        offered = grouped_choices(department_id)
        current = self.initial.get("category")
        if current and all(current != code for _g, group in offered for code, _l in group):
            offered.append((_("No longer offered"), [(current, category_label(current))]))
        self.fields["category"].choices = _choices(offered)
        category = self.data.get("category") or self.initial.get("category")
        if category:
            self.fields["subcategory"].choices = subcategory_choices(category)
        self.fields["category"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("web:subcategory_options"),
                "hx-target": "#id_subcategory",
                "hx-include": "#id_subcategory",
                "hx-trigger": "change",
            }
        )


class CaseEditForm(CaseForm):
    resolution = TextField(label=_("Resolution"), required=False, widget=_area(4))
    root_cause = TextField(label=_("Root cause"), required=False, widget=_area(3))
    satisfaction = forms.TypedChoiceField(
        label=_("Customer satisfaction"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=BLANK + [(n, str(n)) for n in range(1, 6)],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["customer"]


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    version = forms.IntegerField()
    resolution = TextField(label=_("Resolution"), required=False, widget=_area(3))
    root_cause = TextField(label=_("Root cause"), required=False, widget=_area(3))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class NoteForm(forms.Form):
    # A reply to the customer is not a note typed here: it goes through ReplyForm, the one
    # door that also e-mails it (intake.reply.services.reply_send).
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[(k, v) for k, v in NoteKind.choices if k != NoteKind.OUTBOUND],
        initial=NoteKind.NOTE,
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_choices(Channel.choices)
    )
    body = TextField(label=_("Note"), widget=_area(3), max_length=20000)


class ReplyForm(forms.Form):
    """A reply the customer sees (status page, e-mail), unlike an internal note."""

    body = TextField(label=_("Reply to the customer"), widget=_area(3), max_length=20000)
    send_email = forms.BooleanField(
        label=_("Also send it by e-mail"),
        required=False,
        initial=True,
        help_text=_("Untick when the customer already has the answer, e.g. given by phone."),
    )
    to = forms.EmailField(
        label=pgettext_lazy("e-mail recipient", "To"),
        required=False,
        help_text=_("Leave empty to answer the customer's last e-mail or their e-mail address."),
    )
    channel = forms.ChoiceField(
        label=_("Given by"),
        required=False,
        choices=[("", _("Status page only"))]
        + [(k, v) for k, v in Channel.choices if k in ("phone", "in_person", "social_media")],
        help_text=_("How the customer got a reply that is not e-mailed."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_choices(CustomerKind.choices))
    name = forms.CharField(label=_("Name"), max_length=200)
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="—", label=_("Department")
    )
    relationship_status = forms.ChoiceField(
        label=_("Relationship"),
        choices=RelationshipStatus.choices,
        initial=RelationshipStatus.ACTIVE,
    )
    relationship_ended_on = forms.DateField(
        label=_("Relationship ended on"), required=False, widget=DateInput()
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        departments = visible_departments(actor=actor, perm=Perm.CUSTOMER_MODIFY)
        self.fields["department"].queryset = departments
        if "department" not in self.initial and len(departments) == 1:
            self.initial["department"] = departments[0].pk


class CustomerCreateForm(CustomerForm):
    contact_kind = forms.ChoiceField(
        label=_("Contact type"), required=False, choices=_choices(ContactKind.choices)
    )
    contact_value = forms.CharField(
        label=_("Phone, email or address"), required=False, max_length=300
    )


class CustomerEditForm(CustomerForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)


class ContactPointForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ContactKind.choices)
    value = forms.CharField(label=_("Value"), max_length=300)
    label = forms.CharField(label=_("Label"), required=False, max_length=60)
    is_primary = forms.BooleanField(label=_("Primary"), required=False)
    verified_at = forms.DateTimeField(
        label=_("Verified at"), required=False, widget=LocalDateTimeInput()
    )


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=IdentifierKind.choices)
    # render_value is off: a sensitive value typed into a refused form is not sent back.
    value = forms.CharField(
        label=_("Value"),
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted; shown masked."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        max_length=500,
        help_text=_("Required. Your name, the time and this reason are journaled."),
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_choices(Status.choices))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_choices(CaseKind.choices))
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_choices(Channel.choices)
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=lambda: _choices(category_choices())
    )
    # The insights dashboard drills down by severity too (issue 15).
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=_choices(Severity.choices)
    )
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="—", label=_("Department"), required=False
    )
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="—", label=_("Assignee"), required=False
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput())
    clock = forms.ChoiceField(
        label=_("Clock"),
        required=False,
        choices=_choices(
            [
                ("breached", _("Breached")),
                ("soon", _("Due soon")),
                ("paused", _("Paused")),
                ("ok", _("On time")),
                ("met", _("Met")),
            ]
        ),
    )
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = visible_departments(actor=actor)
        self.fields["assignee"].queryset = assignee_choices(actor=actor)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_choices(CustomerKind.choices)
    )
    relationship_status = forms.ChoiceField(
        label=_("Relationship"), required=False, choices=_choices(RelationshipStatus.choices)
    )
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="—", label=_("Department"), required=False
    )
    tag = forms.CharField(label=_("Tag"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = visible_departments(
            actor=actor, perm=Perm.CUSTOMER_VIEW
        )


class JournalFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())


class AsOfForm(forms.Form):
    as_of = forms.DateTimeField(label=_("State as of"), required=False, widget=LocalDateTimeInput())
