"""Template helpers: permission mirrors for showing links, and journal value display."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm

register = template.Library()

_UTC_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@register.simple_tag
def may(user: Any, perm: str, department_id: int | None = None) -> bool:
    """Only decides what to show; the services still refuse what is not allowed."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can(user, Perm(perm), department_id)


@register.filter
def journal_value(value: Any) -> str:
    """A journaled value for reading: UTC stamps in the local zone, structures as JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and _UTC_STAMP.match(value):
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@register.filter
def record_value(value: Any, where: str) -> str:
    """`value` of `record.field` as pages show it (web.display): names, labels, local time."""
    from caseledger.web.display import value_text

    object_type, _dot, name = where.partition(".")
    return value_text(object_type, name, value)


@register.filter
def action_label(code: str) -> str:
    from caseledger.web.display import action_label as label

    return label(code)


@register.filter
def via_label(code: str) -> str:
    from caseledger.web.display import via_label as label

    return label(code)


@register.filter
def record_label(object_type: str) -> str:
    from caseledger.web.display import object_label

    return object_label(object_type)


@register.filter
def root_label(root: str) -> str:
    """`case:5` → "案件 5"."""
    from caseledger.web.display import object_label

    object_type, _colon, object_id = (root or "").partition(":")
    return f"{object_label(object_type)} {object_id}".strip()


@register.filter
def role_words(roles: Any) -> str:
    from caseledger.web.filters_text import role_label

    return "、".join(role_label(r) for r in roles or [])


@register.filter
def actor_label(name: str) -> str:
    """The journal's actor: a person's user name, or the system itself, in words."""
    return _("system") if name in ("system", "") else name


@register.filter
def tag_label(code: str) -> str:
    from caseledger.web.filters_text import tag_label as label

    return label(code)


@register.filter
def filter_words(raw: Any) -> str:
    """A saved case filter (a hold's scope) in the case list's own words."""
    from caseledger.web.filters_text import filters_text

    return filters_text(raw) if isinstance(raw, dict) else str(raw or "—")


@register.filter
def schedule_name(schedule: Any) -> str:
    from caseledger.web.schedule_words import schedule_name as words

    return words(schedule)


@register.filter
def schedule_note(schedule: Any) -> str:
    from caseledger.web.schedule_words import schedule_note as words

    return words(schedule)


@register.filter
def period_words(schedule: Any) -> str:
    from caseledger.web.schedule_words import period_words as words

    return words(schedule)


@register.filter
def item_label(item: Any) -> str:
    """A disposition item: a case by its reference, a customer as "客户 #43"."""
    from caseledger.web.display import object_label

    if getattr(item, "record_type", "") == "case":
        return str(item.label)
    return (
        f"{object_label(str(getattr(item, 'record_type', '')))} #{getattr(item, 'record_id', '')}"
    )


@register.filter
def sorted_items(mapping: dict | None) -> list:
    return sorted((mapping or {}).items())


@register.filter
def before(pair: Any) -> Any:
    return pair[0] if isinstance(pair, list | tuple) and pair else None


@register.filter
def after(pair: Any) -> Any:
    return pair[1] if isinstance(pair, list | tuple) and len(pair) > 1 else None


@register.filter
def category_label(key: str) -> str:
    from caseledger.cases.taxonomy import category_label

    return str(category_label(key)) if key else "—"


@register.filter
def subcategory_label(key: str, category: str) -> str:
    from caseledger.cases.taxonomy import subcategory_label

    return str(subcategory_label(category, key)) if key else "—"


@register.filter
def status_label(value: str) -> str:
    from caseledger.cases.models import Status

    return str(Status(value).label) if value in Status.values else value


@register.filter
def masked_contact(point: Any) -> str:
    """A contact point as every page shows it (vault.masking.contact_masked)."""
    from caseledger.vault.masking import contact_masked

    return contact_masked(point.kind, point.value)


@register.filter
def display_name(customer: Any) -> str:
    """A customer's name as every page shows it: a person's masked (vault.masking)."""
    from caseledger.vault.masking import display_name as masked_name

    return masked_name(customer) if customer is not None else ""


@register.filter
def shown(value: Any, field: str) -> Any:
    """`value` of `field`, masked if an administrator marked the field sensitive."""
    from caseledger.vault.masking import shown as shown_value

    return shown_value(field, value)


@register.filter
def lifecycle_label(code: Any) -> str:
    """A lifecycle code (record kind, disposition action, batch or item status, lifecycle
    state) as its translated label; documents such as certificates keep the codes."""
    from caseledger.disposition.models import BatchAction, BatchStatus, ItemStatus
    from caseledger.retention.models import Action, LifecycleState, RecordKind

    for choices in (RecordKind, BatchAction, Action, BatchStatus, ItemStatus, LifecycleState):
        if code in choices.values:
            return str(choices(code).label)
    return "" if code is None else str(code)


@register.filter
def duration(value: Any) -> str:
    """A timedelta as `2 d 3 h 05 min` (issue 12: time left on a clock)."""
    if not isinstance(value, dt.timedelta):
        return "—"
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if days or hours:
        parts.append(f"{hours} h")
    parts.append(f"{mins:02d} min" if parts else f"{mins} min")
    return " ".join(parts)


@register.filter
def severity_label(value: str) -> str:
    from caseledger.cases.models import Severity

    return str(Severity(value).label) if value in Severity.values else value


@register.filter
def case_field_label(name: str) -> str:
    """A case field's name in the reader's language (web.labels)."""
    from caseledger.web.display import field_label

    return field_label("case", name)
