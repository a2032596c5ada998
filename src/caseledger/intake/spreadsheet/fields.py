"""The fields a spreadsheet row can fill, their labels, and how columns map onto them.

A mapping is {field: column header}. Without a saved one, a header that equals a field's
name or its label (in English or Chinese) maps itself, so a sheet exported from caseledger
or filled from the template imports as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caseledger.core.errors import CaseledgerError, ValidationFailed

CASE_FIELDS = {
    "external_id": _("External case id"),
    "kind": _("Kind"),
    "channel": _("Channel"),
    "category": _("Category"),
    "subcategory": _("Subcategory"),
    "severity": _("Severity"),
    "priority": _("Priority"),
    "subject": _("Subject"),
    "description": _("Description"),
    "customer_request": _("What the customer asks for"),
    "product_ref": _("Product"),
    "order_ref": _("Order"),
    "contract_ref": _("Contract"),
    "received_at": _("Received at"),
}
CUSTOMER_FIELDS = {
    "customer_external_id": _("External customer id"),
    "customer_name": _("Customer name"),
    "customer_kind": _("Customer kind"),
    "customer_phone": _("Customer phone"),
    "customer_email": _("Customer e-mail"),
}


def fields_of(kind: str) -> dict[str, object]:
    if kind == "customers":
        return dict(CUSTOMER_FIELDS)
    return {**CASE_FIELDS, **CUSTOMER_FIELDS}


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def automatic(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """The mapping the headers imply by themselves."""
    names: dict[str, str] = {}
    for field, label in fields_of(kind).items():
        names[_norm(field)] = field
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.setdefault(_norm(str(label)), field)
    found: dict[str, str] = {}
    for header in headers:
        named = names.get(_norm(header))
        if named and named not in found:
            found[named] = header
    return found


def check_columns(kind: str, columns: Mapping[str, object]) -> dict[str, str]:
    """A mapping as given by a person or a client: known fields, headers as text."""
    if not isinstance(columns, Mapping):
        raise ValidationFailed(gettext("must be an object {field: column}"), field="columns")
    known = fields_of(kind)
    errors: list[CaseledgerError] = []
    clean: dict[str, str] = {}
    for field, header in columns.items():
        if field not in known:
            errors.append(
                ValidationFailed(
                    gettext("%(field)r is not a field of an import of %(kind)s; one of %(known)s")
                    % {"field": field, "kind": kind, "known": ", ".join(known)},
                    field=f"columns.{field}",
                    code="unknown_field",
                )
            )
        elif not isinstance(header, str) or not header.strip() or len(header) > 200:
            errors.append(
                ValidationFailed(
                    gettext("must name a column header"), field=f"columns.{field}", code="invalid"
                )
            )
        else:
            clean[str(field)] = header.strip()
    if errors:
        raise ValidationFailed(
            "; ".join(str(e) for e in errors), field=errors[0].field, errors=errors
        )
    return clean


def positions(columns: Mapping[str, str], headers: Sequence[str]) -> dict[str, int]:
    """Field -> column index in this sheet; refuses a mapping naming a missing column."""
    index: dict[str, int] = {}
    for i, header in enumerate(headers):
        index.setdefault(_norm(header), i)
    found: dict[str, int] = {}
    missing: list[CaseledgerError] = []
    for field, header in columns.items():
        where = index.get(_norm(header))
        if where is None:
            missing.append(
                ValidationFailed(
                    gettext("the sheet has no column %(header)r") % {"header": header},
                    field=field,
                    code="missing_column",
                )
            )
        else:
            found[field] = where
    if missing:
        raise ValidationFailed(
            "; ".join(str(e) for e in missing), field=missing[0].field, errors=missing
        )
    return found
