"""Look-ups by one unique column that run on every write, in plain SQL.

Building an ORM query (`Model.objects.filter(pk=...).first()`) costs two to four times what
running it does; a service that records a case resolves its department and customer on every
call (docs/benchmarks.md, "case_create after issue 12"). The statement here is built once per
model and column, and `raw()` still hands back ordinary model instances, every column loaded
and converted as the ORM would.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@functools.cache
def _statement(model: type[models.Model], column: str, vendor: str) -> str:
    quote = connection.ops.quote_name
    return f"SELECT * FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s"


def by_unique(model: type[M], name: str, value: Any) -> M | None:
    """The row of `model` whose unique field `name` equals `value`, or None. The value is
    prepared as the ORM would (a numeric string becomes a number); an integer outside the
    column's range finds nothing, as the ORM's look-up does, instead of a database error."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is a relation's reverse side, not a column"
    try:
        value = field.get_prep_value(value)
    except (TypeError, ValueError):
        return None
    if isinstance(value, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            return None
    sql = _statement(model, field.column, connection.vendor)
    return next(iter(model._default_manager.raw(sql, [value])), None)
