"""`case_set_fields` for many cases at once: the step behind an import chunk's
automatic assignment. Each case gets exactly what `case_set_fields` gives it (its fields
set, its version bumped, `updated_at` moved, an entry with the state before and after),
but the rows are written by one prepared UPDATE per set of fields (executemany) and the
entries are appended as one burst (`journal.services.record_changes`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models

from caseledger.accounts.models import User
from caseledger.cases.models import Case
from caseledger.cases.services.records import case_state
from caseledger.core import clock
from caseledger.core.state import plain
from caseledger.journal.services import record_changes, write_transaction

Setting = tuple[Case, Mapping[str, Any], str]  # (case, fields, reason)


def _field(name: str) -> models.Field:
    field = Case._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation is no field to set
        raise ValueError(f"{name} is not a field of a case")
    return field


def case_set_fields_many(
    changes: Sequence[Setting], *, actor: User | None, action: str, at: Any = None
) -> list[Case]:
    """Set some fields of many cases, bump each one's version, write and journal each as
    `case_set_fields` would (same state, same diff, same reason), under one `at`. As with
    `case_set_fields`, the caller has checked permission, holds and restriction; inside its
    write_transaction() this joins it. Returns the cases, changed in place."""
    if not changes:
        return []
    meta = Case._meta
    with write_transaction():  # joins the caller's
        at = at or clock.now()
        updated_db = _field("updated_at").get_db_prep_save(at, connection)
        updated_json = plain(at)
        statements: dict[tuple[str, ...], list[list[Any]]] = {}
        items = []
        for case, fields, reason in changes:
            before = case_state(case)
            after = dict(before)
            row: list[Any] = []
            for name, value in fields.items():
                setattr(case, name, value)
                field = _field(name)
                stored = getattr(case, field.attname)
                after[field.attname] = plain(stored)
                row.append(field.get_db_prep_save(stored, connection))
            case.version += 1
            case.updated_at = at
            after["version"], after["updated_at"] = case.version, updated_json
            statements.setdefault(tuple(fields), []).append(
                [*row, case.version, updated_db, case.pk]
            )
            items.append((case.pk, before, after, reason))
        table = connection.ops.quote_name(meta.db_table)
        with connection.cursor() as cursor:
            for names, rows in statements.items():
                columns = [str(_field(n).column) for n in (*names, "version", "updated_at")]
                sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
                cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)
        record_changes(actor=actor, action=action, object_type="case", items=items)
    return [case for case, _fields, _reason in changes]
