"""Saved filters, roles and tags in words: a hold's scope reads as the case list's own
filters ("类别：账单与费用；部门：销售部"), never as a Python dict or JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseledger.core.ids import is_id


def _department(value: Any) -> str:
    from caseledger.accounts.models import Department

    text = str(value).strip()
    row = (
        Department.objects.filter(pk=int(text)).first()
        if is_id(text) and int(text) < 2**63
        else Department.objects.filter(code=text).first()
    )
    return row.name if row is not None else text


def _choice(choices: Any, value: Any) -> str:
    for key, label in choices:
        if key == value:
            return str(label)
    return str(value)


def filter_parts(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for each key of a saved case filter, labelled as the case list's form."""
    from caseledger.cases.models import CaseKind, Channel, Status
    from caseledger.cases.taxonomy import category_label, subcategory_label
    from caseledger.web.display import field_label

    words: dict[str, tuple[Any, Any]] = {
        "q": (gettext_lazy("Search"), str),
        "category": (gettext_lazy("Category"), lambda v: str(category_label(v))),
        "subcategory": (
            gettext_lazy("Subcategory"),
            lambda v: str(subcategory_label(str(raw.get("category", "")), v)),
        ),
        "kind": (gettext_lazy("Kind"), lambda v: _choice(CaseKind.choices, v)),
        "status": (gettext_lazy("Status"), lambda v: _choice(Status.choices, v)),
        "channel": (gettext_lazy("Channel"), lambda v: _choice(Channel.choices, v)),
        "department": (gettext_lazy("Department"), _department),
        "received_from": (gettext_lazy("Received from"), str),
        "received_to": (gettext_lazy("Received to"), str),
    }
    parts = []
    for key, value in raw.items():
        if value in (None, ""):
            continue
        label, show = words.get(key, (field_label("case", key), str))
        parts.append((str(label), show(value)))
    return parts


def filters_text(raw: dict[str, Any]) -> str:
    parts = filter_parts(raw)
    if not parts:
        return _("no filter")
    return _("; ").join(f"{label}{_(': ')}{value}" for label, value in parts)


def role_label(code: Any) -> str:
    from caseledger.accounts.permissions import Role
    from caseledger.web.labels import ROLE_WORDS

    return str(ROLE_WORDS.get(str(code), code)) if code in set(Role) else str(code)


def tag_label(code: Any) -> str:
    """A customer tag: a known one in words (labels.TAG_WORDS); a tag someone typed as-is."""
    from caseledger.web.labels import TAG_WORDS

    return str(TAG_WORDS.get(code, code))
