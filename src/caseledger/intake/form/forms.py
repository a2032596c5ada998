"""The public form and the status look-up form. Every refusal names its field in the
visitor's language (Django's own messages are translated; ours are in the catalogue)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caseledger.cases.taxonomy import category_choices
from caseledger.customers.validation import normalize_contact
from caseledger.intake.form.fields import LABELS

TEXT_MAX = {"subject": 200, "description": 20000, "customer_request": 5000, "ref": 100}


class _Text(forms.CharField):
    """Browsers send CRLF from a textarea; stored text uses LF. NUL never reaches the
    database (PostgreSQL refuses it)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\x00", "") if isinstance(value, str) else value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field: count, size of each and of all checked by name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.INTAKE_FORM_MAX_FILES:
            raise forms.ValidationError(
                gettext("At most %(n)d files, please; you chose %(count)d.")
                % {"n": settings.INTAKE_FORM_MAX_FILES, "count": len(files)}
            )
        problems = []
        for upload in files:
            name = upload.name or ""
            if upload.size == 0:
                problems.append(gettext("%(file)s is empty.") % {"file": name})
            elif upload.size > settings.ATTACHMENT_MAX_BYTES:
                problems.append(
                    gettext("%(file)s is larger than %(limit)s.")
                    % {"file": name, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
                )
            if len(name) > 255:
                problems.append(gettext("A file name is longer than 255 characters."))
        if sum(f.size for f in files) > settings.INTAKE_FORM_MAX_BYTES:
            problems.append(
                gettext("The files together are larger than %(limit)s.")
                % {"limit": filesizeformat(settings.INTAKE_FORM_MAX_BYTES)}
            )
        if problems:
            raise forms.ValidationError(problems)
        return files


class ComplaintForm(forms.Form):
    name = _Text(label=_("Your name"), max_length=200)
    phone = _Text(label=_("Mobile or phone number"), max_length=40, required=False)
    email = _Text(label=_("E-mail address"), max_length=254, required=False)
    category = forms.ChoiceField(label=_("What is it about?"))
    subject = _Text(label=_("Subject"), max_length=TEXT_MAX["subject"])
    description = _Text(
        label=_("What happened?"),
        max_length=TEXT_MAX["description"],
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    customer_request = _Text(
        label=_("What would you like us to do?"),
        max_length=TEXT_MAX["customer_request"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = FilesField(label=_("Attachments"), required=False)
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice above and agree that my personal information "
            "is processed as it says to handle this complaint."
        ),
        error_messages={
            "required": _("Your agreement to the privacy notice is needed to file a complaint.")
        },
    )
    altcha = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        references: tuple[str, ...] = (),
        department_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        # the complaint categories the form's department is offered (its industry templates')
        category.choices = [("", "—"), *category_choices(department_id, scheme="complaint")]
        self.references = references
        for name in references:  # after the subject: what the customer can quote
            self.fields[name] = _Text(
                label=LABELS[name], max_length=TEXT_MAX["ref"], required=False
            )
        self.fields["attachments"].help_text = gettext(
            "Up to %(n)d files, %(each)s each, %(all)s in all."
        ) % {
            "n": settings.INTAKE_FORM_MAX_FILES,
            "each": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            "all": filesizeformat(settings.INTAKE_FORM_MAX_BYTES),
        }
        order = ["name", "phone", "email", "category", "subject", *references]
        self.order_fields([*order, "description", "customer_request", "attachments", "consent"])

    def clean_phone(self) -> str:
        return self._contact("phone", _("This is not a phone number we can call."))

    def clean_email(self) -> str:
        return self._contact("email", _("This is not an e-mail address."))

    def _contact(self, kind: str, message: Any) -> str:
        value = (self.cleaned_data.get(kind) or "").strip()
        if not value:
            return ""
        normalized, problem = normalize_contact(kind, value)
        if problem or not normalized:
            raise forms.ValidationError(message)
        return normalized

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            "phone" not in self.errors
            and "email" not in self.errors
            and not data.get("phone")
            and not data.get("email")
        ):
            message = gettext("Give a phone number or an e-mail address, so that we can reply.")
            self.add_error("phone", message)
            self.add_error("email", message)
        return data


class StatusForm(forms.Form):
    reference = _Text(label=_("Reference"), max_length=20)
    code = _Text(label=_("Lookup code"), max_length=40)

    def clean_reference(self) -> str:
        return (self.cleaned_data.get("reference") or "").strip().upper()
