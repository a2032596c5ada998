"""How a journaled record reads on a page: labels for fields, names for ids, translated
values for codes, local times for UTC stamps. One mechanism for every record type, used by
the history, "as of" and journal pages (issue 11 item 10).

The journal stores attnames and codes (`assignee_id: 2`, `category: billing`) because it must
replay them; a page shows what the case page shows (the assignee's name, "账单与费用").
Values arrive already masked (journal.queries masks them); a customer id is shown as the
customer's masked display name, never the stored one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.web.action_labels import ACTION_LABELS, VERB_LABELS, VIA_LABELS
from caseledger.web.labels import FIELD_LABELS, OBJECT_FIELDS, OBJECT_LABELS

_UTC_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MODELS: dict[str, type[models.Model]] = {}
# No service journals these today (a token's check value aside, a digest of its hash); if one
# ever does, no page shows them.
SECRET_KEYS = frozenset(
    {"password", "token", "token_hash", "token_check", "secret", "api_key", "private_key"}
)


def model_for(object_type: str) -> type[models.Model] | None:
    """The model a journal object type names: `case_note` is CaseNote, `legal_hold` LegalHold."""
    if not _MODELS:
        for model in apps.get_models():
            if model.__module__.startswith("caseledger."):
                _MODELS.setdefault(model._meta.model_name or "", model)
    return _MODELS.get(object_type.replace("_", ""))


def humanize(name: str) -> str:
    words = name.removesuffix("_id").replace("_", " ").strip()
    text = words[:1].upper() + words[1:]
    return _(text) if text else name


def field_label(object_type: str, name: str) -> str:
    label = OBJECT_FIELDS.get(object_type, {}).get(name) or FIELD_LABELS.get(name)
    return str(label) if label is not None else humanize(name)


def object_label(object_type: str) -> str:
    label = OBJECT_LABELS.get(object_type)
    return str(label) if label is not None else humanize(object_type)


def action_label(code: str) -> str:
    """`case.create` → "案件已创建"; an action without its own words → "<record>：<verb>"."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    subject, _dot, verb = code.partition(".")
    what = object_label(subject)
    verb_label = VERB_LABELS.get(verb)
    if verb_label is None and "_" in verb:  # disposition.reapply_destroy → "applied again"
        verb_label = VERB_LABELS.get(verb.split("_", 1)[0])
    return _("%(record)s: %(verb)s") % {"record": what, "verb": verb_label or humanize(verb)}


def via_label(via: str) -> str:
    label = VIA_LABELS.get(via)
    return str(label) if label is not None else via


def local_time(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _choice_label(model_field: models.Field, value: Any) -> str | None:
    for key, label in model_field.flatchoices:
        if key == value:
            return str(label)
    return None


@dataclass
class Namer:
    """Names for ids, looked up once per page (a history may name one assignee 40 times)."""

    cache: dict[tuple[str, Any], str] = field(default_factory=dict)

    def name(self, model: type[models.Model], pk: Any) -> str:
        key = (model._meta.label, pk)
        if key not in self.cache:
            self.cache[key] = self._lookup(model, pk)
        return self.cache[key]

    @staticmethod
    def _lookup(model: type[models.Model], pk: Any) -> str:
        row = model._default_manager.filter(pk=pk).first()
        if row is None:
            return _("%(record)s #%(id)s (no longer exists)") % {
                "record": object_label(model._meta.model_name or ""),
                "id": pk,
            }
        if model._meta.label == "customers.Customer":
            from caseledger.vault.masking import display_name

            return display_name(row)
        if model._meta.label == "cases.Case":
            return str(getattr(row, "reference", row))
        return str(row)


def value_text(
    object_type: str,
    name: str,
    value: Any,
    *,
    state: dict[str, Any] | None = None,
    namer: Namer | None = None,
) -> str:
    """A journaled value as the record's own page would show it."""
    if value is None or value == "" or value == []:
        return "—"
    if name in SECRET_KEYS:
        return _("(hidden)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    special = _special(object_type, name, value, state or {})
    if special is not None:
        return special
    model = model_for(object_type)
    model_field = _model_field(model, name) if model else None
    if model_field is not None and model_field.is_relation and model_field.related_model:
        return (namer or Namer()).name(model_field.related_model, value)  # type: ignore[arg-type]
    if model_field is not None and model_field.choices:
        label = _choice_label(model_field, value)
        if label is not None:
            return label
    if isinstance(value, str) and _UTC_STAMP.match(value):
        return local_time(value)
    if isinstance(value, dict):
        return _dict_text(object_type, name, value, namer)
    if isinstance(value, list):
        return "、".join(value_text(object_type, name, v, namer=namer) for v in value)
    return str(value)


def _dict_text(object_type: str, name: str, value: dict[str, Any], namer: Namer | None) -> str:
    """A saved case filter in the case list's words; any other nested record (a customer's
    contact points) as its own fields, labelled and shown like a record of that type."""
    if name in ("case_filter", "filter", "filters"):
        from caseledger.web.filters_text import filters_text

        return filters_text(value)
    part_type = name.removesuffix("s") if name.endswith("s") else name  # contact_points
    if model_for(part_type) is None:
        part_type = object_type
    return _("; ").join(
        f"{field_label(part_type, key)}{_(': ')}"
        f"{value_text(part_type, key, item, state=value, namer=namer)}"
        for key, item in value.items()
        if key != "id"
    )


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    for model_field in model._meta.concrete_fields:
        if model_field.attname == name or model_field.name == name:
            return model_field
    return None


def _special(object_type: str, name: str, value: Any, state: dict[str, Any]) -> str | None:
    """Values whose words live outside the model: the taxonomy, roles, tags."""
    if name == "category" and isinstance(value, str):
        from caseledger.cases.taxonomy import category_label, known_category

        return str(category_label(value)) if known_category(value) else None
    if name == "subcategory" and isinstance(value, str):
        from caseledger.cases.taxonomy import categories

        subs = categories(active_only=False).get(str(state.get("category", "")), ("", {}))[1]
        label = subs.get(value)
        return str(label) if label is not None else None
    if name == "roles" and isinstance(value, list):
        from caseledger.web.filters_text import role_label

        return "、".join(role_label(v) for v in value)
    if name == "tags" and isinstance(value, list):
        from caseledger.web.filters_text import tag_label

        return "、".join(tag_label(v) for v in value)
    return None


@dataclass(frozen=True)
class Row:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ShownEntry:
    """One journal entry as a page shows it; `item` keeps the stored values."""

    item: Any
    action: str
    via: str
    record: str
    rows: list[Row]


def shown_entry(item: Any, namer: Namer | None = None) -> ShownEntry:
    namer = namer or Namer()
    rows = []
    for name, pair in sorted((item.changes or {}).items()):
        if name == "id":  # the record's own number: its header names it
            continue
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        rows.append(
            Row(
                field=name,
                label=field_label(item.object_type, name),
                before=value_text(item.object_type, name, before, state=item.state, namer=namer),
                after=value_text(item.object_type, name, after, state=item.state, namer=namer),
            )
        )
    record = f"{object_label(item.object_type)} {item.object_id}"
    return ShownEntry(item, action_label(item.action), via_label(item.via), record, rows)


def shown_history(items: list[Any]) -> list[ShownEntry]:
    namer = Namer()
    return [shown_entry(item, namer) for item in items]


def shown_state(object_type: str, state: dict[str, Any] | None) -> list[Row]:
    """A record's full state as (label, value) rows, in label order."""
    namer = Namer()
    rows = [
        Row(
            field=name,
            label=field_label(object_type, name),
            before="",
            after=value_text(object_type, name, value, state=state, namer=namer),
        )
        for name, value in (state or {}).items()
        if name != "id"
    ]
    return sorted(rows, key=lambda row: row.label)
