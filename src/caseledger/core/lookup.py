"""Look-ups that run on every write (by one unique column, or a fixed condition), in plain SQL.

Building an ORM query (`Model.objects.filter(pk=...).first()`) costs two to four times what
running it does; a service that records a case resolves its department and customer on every
call, and every API request its token and the token's holder (docs/benchmarks.md,
"case_create after issue 12", "the API's own cost"). The column list and its
converters are built once per model; the row becomes an ordinary model instance
through `Model.from_db`, every column loaded and converted as the ORM would (the test
compares each field with the ORM's). `raw()` did the same at three times the cost: it
resolves the columns and the model's init order again for every query.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]


@functools.cache
def _reader(
    model: type[models.Model], vendor: str
) -> tuple[str, list[str], list[tuple[int, Any, list[Converter]]]]:
    """("SELECT <every column> FROM <table>", attribute names, [(position, column
    expression, converters)]). Keyed by vendor: the converters are the backend's, and bound
    to no state of one connection beyond its settings (the time zone), which every
    connection of a vendor shares."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    sql = f"SELECT {', '.join(quote(str(f.column)) for f in fields)} FROM {quote(table)}"
    converters = []
    for position, field in enumerate(fields):
        expression = field.get_col(table)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if found:
            converters.append((position, expression, found))
    return sql, [f.attname for f in fields], converters


def where(model: type[M], condition: str, params: Sequence[Any]) -> list[M]:
    """The rows of `model` matching `condition` (plain SQL after WHERE, with %s
    placeholders; ORDER BY allowed), as model instances."""
    sql, names, converters = _reader(model, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE {condition}", params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = list(row)
        for position, expression, steps in converters:
            converted = values[position]
            for convert in steps:
                converted = convert(converted, expression, connection)
            values[position] = converted
        found.append(model.from_db(connection.alias, names, values))
    return found


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
    prepared = field.get_db_prep_value(value, connection, prepared=True)
    found = where(model, f"{connection.ops.quote_name(str(field.column))} = %s", [prepared])
    return found[0] if found else None
