"""One new row in plain SQL, for the writes every recorded complaint makes.

`Model.objects.create()` spends most of its time building the INSERT through the ORM's
compiler (about three times what SQLite takes to run it; docs/benchmarks.md, "the API's own
cost"). `insert()` builds the statement once per model and vendor and prepares each value
exactly as `save()` does (`Field.pre_save`, then `get_db_prep_save`), so the row stored is
the same (the test compares it column by column with the ORM's). What it does not do: send
`pre_save`/`post_save` signals (caseledger connects none; a model that gains a receiver
must go back to `create()`), check unsaved related objects, or handle inheritance.
"""

from __future__ import annotations

import functools
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@functools.cache
def _statement(
    model: type[models.Model], vendor: str, returning: bool
) -> tuple[str, tuple[models.Field, ...]]:
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    fields = tuple(f for f in model._meta.concrete_fields if f is not pk)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if returning:
        sql += f" RETURNING {quote(str(pk.column))}"
    return sql, fields


def insert(instance: M) -> M:
    """INSERT `instance` (new, with a database-assigned key) and give it its key, as
    `Model.objects.create()` would."""
    model = type(instance)
    assert instance._state.adding and instance.pk is None, "insert() writes new rows only"
    assert not model._meta.parents, "insert() does not write inherited models"
    # SQLite before 3.35 has no RETURNING; its cursor tells the new rowid instead.
    returning = connection.features.can_return_columns_from_insert
    sql, fields = _statement(model, connection.vendor, returning)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance
