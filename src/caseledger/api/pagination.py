"""Keyset (cursor) pagination over an already scoped and ordered queryset.

The cursor holds the sort keys of the last row served, so the next page starts strictly
after it: rows inserted or removed elsewhere never shift a page, which offsets would do.
The queryset's ordering gets `id` appended when it lacks a unique key, making the order
total. A cursor remembers which ordering it was made for and is refused under another.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from caseledger.core.errors import ValidationFailed
from caseledger.core.validate import out_of_range

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_UNIQUE = {"id", "pk", "reference"}


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def _ordering(qs: QuerySet) -> list[str]:
    ordering = [str(o) for o in qs.query.order_by] or ["id"]
    if not any(o.lstrip("-") in _UNIQUE for o in ordering):
        ordering.append("id")
    for name in ordering:
        if "__" in name or name.lstrip("-") not in _keys(qs):
            raise ValueError(f"cannot paginate on {name!r}")
    return ordering


def _concrete(model: type[models.Model]) -> dict[str, models.Field]:
    fields = {f.name: f for f in model._meta.concrete_fields}
    fields["pk"] = model._meta.pk
    return fields


def _keys(qs: QuerySet) -> dict[str, models.Field]:
    """The fields a page may be sorted by: the model's own, and annotations of one column
    (such as a case's next due time) by their output field."""
    keys = _concrete(qs.model)
    for name, expression in qs.query.annotations.items():
        keys.setdefault(name, expression.output_field)
    return keys


def _encode(ordering: list[str], values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
    raw = json.dumps({"o": ordering, "v": plain}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        _("is not a cursor this list gave out (was the sort changed?)"),
        field="cursor",
        code="invalid_cursor",
    )


def _decode(cursor: str, ordering: list[str], fields: dict[str, models.Field]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["o"] != ordering or len(data["v"]) != len(ordering):
            raise _bad_cursor()
        values = [
            fields[name.lstrip("-")].to_python(value)
            for name, value in zip(ordering, data["v"], strict=True)
        ]
    except (
        ValueError,
        KeyError,
        TypeError,
        OverflowError,
        binascii.Error,
        DjangoValidationError,
    ) as exc:
        raise _bad_cursor() from exc
    if not all(_storable(value) for value in values):
        raise _bad_cursor()
    return values


def _storable(value: Any) -> bool:
    """A key a served row can have: a cursor is the client's text, and a null, a 2**70 id,
    an infinite number, a NUL or year 1 in it was a 500 (a comparison with NULL, PostgreSQL's
    bigint, a time Python cannot move to UTC)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, float | Decimal):
        return math.isfinite(value)
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dt.date):
        return out_of_range(value) is None
    return True


def _after(ordering: list[str], values: list[Any]) -> Q:
    """Rows strictly after `values` in `ordering`: (a > x) or (a = x and b > y) or ..."""
    condition = Q()
    for i, name in enumerate(ordering):
        field = name.lstrip("-")
        lookup = "lt" if name.startswith("-") else "gt"
        step = Q(**{f"{field}__{lookup}": values[i]})
        for prev_name, prev_value in zip(ordering[:i], values[:i], strict=True):
            step &= Q(**{prev_name.lstrip("-"): prev_value})
        condition |= step
    return condition


def paginate(qs: QuerySet, *, cursor: str | None, limit: int | None) -> Page:
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        raise ValidationFailed(
            _("must be between 1 and %(max)s") % {"max": MAX_LIMIT},
            field="limit",
            code="out_of_range",
        )
    ordering = _ordering(qs)
    qs = qs.order_by(*ordering)
    if cursor:
        qs = qs.filter(_after(ordering, _decode(cursor, ordering, _keys(qs))))
    rows = list(qs[: size + 1])
    if len(rows) <= size:
        return Page(items=rows, next_cursor=None)
    last = rows[size - 1]
    own = _concrete(qs.model)
    names = [n.lstrip("-") for n in ordering]
    values = [getattr(last, own[n].attname if n in own else n) for n in names]
    return Page(items=rows[:size], next_cursor=_encode(ordering, values))


COUNT_CAP = 100_000


def count_of(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows the filtered list holds, and whether that is exact: counted up to
    `cap` (one bounded COUNT, so a page of a million rows does not count them all), else
    (cap, False): "at least this many"."""
    found = qs.order_by().values("pk")[: cap + 1].count()
    return (found, True) if found <= cap else (cap, False)
