"""A record's state as plain JSON values: what the journal stores and compares."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models


def format_time(at: dt.datetime) -> str:
    """A moment as the journal hashes it (journal/canonical.py re-exports this): changing
    it breaks every existing chain. Here, below the journal, because states use it too."""
    if at.tzinfo is None:
        raise ValueError("journal times must be aware")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


# Values `plain` returns unchanged, by exact type (a subclass such as a StrEnum member
# still goes through `plain`, which also returns it unchanged): skipping the call for them
# is most of the cost of a state (an import reads tens of thousands of case states).
_AS_IS = frozenset({str, int, bool, float, type(None)})


def model_state(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    state: dict[str, Any] = {}
    values = instance.__dict__
    for field in instance._meta.concrete_fields:
        if exclude and field.name in exclude:
            continue
        name = field.attname
        value = values[name] if name in values else getattr(instance, name)
        state[name] = value if type(value) in _AS_IS else plain(value)
    return state


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    before = before or {}
    return {
        key: [before.get(key), value]
        for key, value in after.items()
        if key not in before or before[key] != value
    }
