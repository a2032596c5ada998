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
from caseledger.web import display, filters_text, schedule_words

register = template.Library()

# Words pages show, each from the one module that knows them (web/display.py for journal
# actions, interfaces and record types; filters_text.py for tags; schedule_words.py for
# retention schedules): the filter is that function itself, not a wrapper around it.
WORD_FILTERS = {
    "action_label": display.action_label,
    "via_label": display.via_label,
    "record_label": display.object_label,
    "tag_label": filters_text.tag_label,
    "schedule_name": schedule_words.schedule_name,
    "schedule_note": schedule_words.schedule_note,
    "period_words": schedule_words.period_words,
}
for _name, _words in WORD_FILTERS.items():
    register.filter(_name, _words)

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
    object_type, _dot, name = where.partition(".")
    return display.value_text(object_type, name, value)


@register.filter
def root_label(root: str) -> str:
    """`case:5` → "案件 5"."""
    object_type, _colon, object_id = (root or "").partition(":")
    return f"{display.object_label(object_type)} {object_id}".strip()


@register.filter
def role_words(roles: Any) -> str:
    return "、".join(filters_text.role_label(r) for r in roles or [])


@register.filter
def actor_label(name: str) -> str:
    """The journal's actor: a person's user name, or the system itself, in words."""
    return _("system") if name in ("system", "") else name


@register.filter
def filter_words(raw: Any) -> str:
    """A saved case filter (a hold's scope) in the case list's own words."""
    return filters_text.filters_text(raw) if isinstance(raw, dict) else str(raw or "—")


@register.filter
def item_label(item: Any) -> str:
    """A disposition item: a case by its reference, a customer as "客户 #43"."""
    if getattr(item, "record_type", "") == "case":
        return str(item.label)
    kind = display.object_label(str(getattr(item, "record_type", "")))
    return f"{kind} #{getattr(item, 'record_id', '')}"


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
    return str(point.masked)


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
    # Each unit in the reader's language: `2 d 3 h 05 min`, `2 天 3 小时 05 分钟`.
    parts = [_("%(n)s d") % {"n": days}] if days else []
    if days or hours:
        parts.append(_("%(n)s h") % {"n": hours})
    parts.append(_("%(n)s min") % {"n": f"{mins:02d}" if parts else mins})
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
