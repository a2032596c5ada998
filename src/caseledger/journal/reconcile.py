"""Reconciling the live rows with the journal: every case and customer rebuilt from its
journal entries and compared with its row, so a change made behind the services' back (an
UPDATE, a DELETE or an INSERT straight in the database) is named.

Fast by construction: one pass over the journal in seq order keeps, per record, a 16-byte
digest of its newest state (SQLite extracts the state with its own JSON functions); one pass
over each table computes the same digest from the row. Only rows whose digests differ are
looked at again, exactly (the ORM's own values against the newest state), before anything is
reported, so the fast path never changes a verdict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext, gettext_noop, pgettext

from caseledger.core.state import model_state, plain
from caseledger.journal.canonical import canonical_json, format_time
from caseledger.journal.entry_kinds import GONE as _GONE
from caseledger.journal.entry_kinds import NOT_STATE as _NOT_STATE

# Parts of a customer's journaled state that live in other tables.
_NOT_COLUMNS = ("contact_points", "identifiers")
_REDACTED = b"r"
_DELETED = b"d"
_CHUNK = 5000


@dataclass(frozen=True)
class Drift:
    """`detail` in English (`--json`, the tests); `shown()` in the active language."""

    record: str  # case:5
    label: str  # CL-2026-000005, or the customer's id
    kind: str  # differs, unjournaled, deleted, redacted
    detail: str
    msgid: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.record} ({self.label}): {self.kind}: {self.detail}"

    def shown(self) -> str:
        kinds = {
            "differs": pgettext("record drift", "differs"),
            "unjournaled": pgettext("record drift", "unjournaled"),
            "deleted": pgettext("record drift", "deleted"),
            "redacted": pgettext("record drift", "redacted"),
        }
        detail = gettext(self.msgid) % self.params if self.msgid else self.detail
        return gettext("%(record)s (%(label)s): %(kind)s: %(detail)s") % {
            "record": self.record,
            "label": self.label,
            "kind": kinds.get(self.kind, self.kind),
            "detail": detail,
        }


def _drift(record: str, label: str, kind: str, msgid: str, /, **params: Any) -> Drift:
    return Drift(record, label, kind, msgid % params, msgid, params)


@dataclass
class RecordsReport:
    checked: dict[str, int] = field(default_factory=dict)
    drifts: list[Drift] = field(default_factory=list)
    total_drifts: int = 0

    @property
    def ok(self) -> bool:
        return self.total_drifts == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "drifts": [
                {
                    "record": d.record,
                    "label": d.label,
                    "kind": d.kind,
                    "detail": d.detail,
                    "shown": d.shown(),
                }
                for d in self.drifts
            ],
            "total_drifts": self.total_drifts,
        }


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _models() -> dict[str, type[models.Model]]:
    # By Django's app label, not by import: cases and customers stand above the journal
    # (docs/architecture.md, floors), as a ForeignKey("cases.Case") would name them.
    from django.apps import apps

    return {
        "case": apps.get_model("cases", "Case"),
        "customer": apps.get_model("customers", "Customer"),
    }


# ---- the journal side --------------------------------------------------------------------

# A case's body as bytes: canonical JSON sorts its keys, so "state" is the last one and its
# text runs from the last `,"state":` to the closing brace (a wrong cut only sends the row to
# the exact comparison). A customer's state loses its contact points and identifiers first.
_SQLITE_STATES = (
    "SELECT e.object_type, e.object_id, e.action, p.entry_id IS NULL OR p.body IS NULL, "
    "CASE WHEN e.object_type = 'customer' "
    "THEN json_remove(json_extract(p.body, '$.state'), '$.contact_points', '$.identifiers') "
    "ELSE CAST(p.body AS BLOB) END "
    "FROM journal_entry e LEFT JOIN journal_payload p ON p.entry_id = e.seq "
    "WHERE e.object_type IN ('case', 'customer') ORDER BY e.seq"
)
_PLAIN_STATES = (
    "SELECT e.object_type, e.object_id, e.action, p.body IS NULL, p.body "
    "FROM journal_entry e LEFT JOIN journal_payload p ON p.entry_id = e.seq "
    "WHERE e.object_type IN ('case', 'customer') ORDER BY e.seq"
)


def _state_text(object_type: str, body: str | None) -> str | None:
    """The row part of the state in a payload body, as canonical JSON (the plain path)."""
    if body is None:
        return None
    state = json.loads(body).get("state")
    if not isinstance(state, dict):
        return None
    for name in _NOT_COLUMNS:
        state.pop(name, None)
    return canonical_json(state)


def _rows(sql: str, params: tuple = ()) -> Iterator[tuple]:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql.replace("%s", "?"), params)
            while chunk := cursor.fetchmany(_CHUNK):
                yield from chunk
        finally:
            cursor.close()
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(_CHUNK):
            yield from chunk


def journal_digests() -> dict[tuple[str, str], bytes]:
    """(object_type, object_id) → digest of the newest state (or a gone/redacted mark)."""
    newest: dict[tuple[str, str], bytes] = {}
    fast = connection.vendor == "sqlite"
    for otype, oid, action, redacted, value in _rows(_SQLITE_STATES if fast else _PLAIN_STATES):
        if action in _NOT_STATE:
            continue
        key = (otype, oid)
        if action in _GONE:
            newest[key] = _DELETED
        elif redacted:
            newest[key] = _REDACTED
        elif isinstance(value, bytes):
            cut = value.rfind(b',"state":')
            if cut > 0 and value[cut + 9 : cut + 10] == b"{":
                newest[key] = hashlib.blake2b(value[cut + 9 : -1], digest_size=16).digest()
        else:
            text = value if fast else _state_text(otype, value)
            if text is not None and text.startswith("{"):
                newest[key] = _digest(text)
    return newest


def _newest_state(otype: str, oid: str) -> dict[str, Any] | None:
    for action, body in _rows(
        "SELECT e.action, p.body FROM journal_entry e "
        "LEFT JOIN journal_payload p ON p.entry_id = e.seq "
        "WHERE e.object_type = %s AND e.object_id = %s ORDER BY e.seq DESC",
        (otype, oid),
    ):
        if action in _NOT_STATE:
            continue
        text = _state_text(otype, body)
        if text is None:
            return None
        state: dict[str, Any] = json.loads(text)
        return state
    return None


# ---- the live side -----------------------------------------------------------------------


def _time(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return format_time(value)
    text = str(value)
    if len(text) == 26 and text[10] == " ":  # SQLite's own spelling, the common case
        return f"{text[:10]}T{text[11:]}Z"
    if "+" in text[19:]:
        text = text[: 19 + text[19:].index("+")]
    if "." not in text:
        text += ".000000"
    return text.replace(" ", "T")[:26] + "Z"


def _converter(f: models.Field) -> Callable[[Any], Any]:
    kind = f.get_internal_type()
    if kind == "DateTimeField":
        return _time
    if kind == "JSONField":
        return lambda v: json.loads(v) if isinstance(v, str | bytes) else v
    if kind == "BooleanField":
        return lambda v: None if v is None else bool(v)
    return plain


def _sqlite_value(f: models.Field) -> str | None:
    """The SQL for the field's value as the journal holds it (model_state: a time as
    `YYYY-MM-DDTHH:MM:SS.ffffffZ`), or None when SQLite cannot spell it the same."""
    col = connection.ops.quote_name(str(f.column))
    kind = f.get_internal_type()
    if kind == "DateTimeField":
        return (
            f"CASE WHEN {col} IS NULL THEN NULL ELSE replace(substr({col}, 1, 26), ' ', 'T') "
            f"|| CASE WHEN instr({col}, '.') = 0 THEN '.000000' ELSE '' END || 'Z' END"
        )
    if kind in ("CharField", "TextField", "DateField", "SlugField", "EmailField"):
        return col
    if kind.endswith("IntegerField") or kind in ("BigAutoField", "AutoField", "ForeignKey"):
        return col
    if kind == "BooleanField":
        return f"json(CASE WHEN {col} IS NULL THEN 'null' WHEN {col} THEN 'true' ELSE 'false' END)"
    if kind == "JSONField":
        return f"json({col})"
    return None


def _sqlite_state(model: type[models.Model]) -> str | None:
    """The SQL expression of a row's state as canonical JSON (keys sorted, compact, as
    canonical_json writes them), or None when a column cannot be spelled the same."""
    parts = []
    for f in sorted(model._meta.concrete_fields, key=lambda f: f.attname):
        value = _sqlite_value(f)
        if value is None:
            return None
        parts.append(f"'{f.attname}', {value}")
    return f"json_object({', '.join(parts)})"


def _sqlite_live_sql(model: type[models.Model]) -> str | None:
    """One SELECT giving (pk, label, the row's state as canonical JSON) on SQLite: keys in
    sorted order and compact, as canonical_json writes them."""
    state = _sqlite_state(model)
    if state is None:
        return None
    fields = sorted(model._meta.concrete_fields, key=lambda f: f.attname)
    names = [f.attname for f in fields]
    label = connection.ops.quote_name("reference") if "reference" in names else "NULL"
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    # JSON columns once more as stored: Django writes them ASCII-escaped, the journal not.
    raw = [
        f"'{f.attname}', {connection.ops.quote_name(str(f.column))}"
        for f in fields
        if f.get_internal_type() == "JSONField"
    ]
    escaped = f"json_object({', '.join(raw)})" if raw else "NULL"
    return (
        f"SELECT {pk}, {label}, {state}, "
        f"CASE WHEN instr({escaped}, '\\u') > 0 THEN {escaped} END "
        f"FROM {table} ORDER BY {pk}"
    )


def _live(model: type[models.Model]) -> Iterator[tuple[Any, str, bytes]]:
    """(pk, label, digest of the row's state) for every row, in pk order."""
    sql = _sqlite_live_sql(model) if connection.vendor == "sqlite" else None
    if sql is not None:
        for pk, label, text, escaped in _rows(sql):
            if escaped is not None:  # rare: rebuild those values unescaped
                state = json.loads(text)
                for name, value in json.loads(escaped).items():
                    state[name] = json.loads(value) if isinstance(value, str) else value
                text = canonical_json(state)
            yield pk, str(label if label is not None else pk), _digest(text)
        return
    pk = model._meta.pk.attname
    label = "reference" if any(f.attname == "reference" for f in model._meta.fields) else pk
    for state in live_states(model):
        yield state[pk], str(state[label]), _digest(canonical_json(state))


def live_states(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    """Every row of `model` in key order, its state as `model_state` journals it, read as
    plain rows (no model instances, no ORM converters: the registered kinds of
    reconcile_kinds read a customer's parts with it too)."""
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    names = [f.attname for f in fields]
    # Text and whole numbers come as the journal holds them; the rest is converted.
    convert = [
        (i, f.attname, _converter(f))
        for i, f in enumerate(fields)
        if f.get_internal_type() not in _AS_READ
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    for row in _rows(f"SELECT {columns} FROM {table} ORDER BY {pk}"):
        state = dict(zip(names, row, strict=True))
        for i, name, conv in convert:
            state[name] = conv(row[i])
        yield state


_AS_READ = frozenset(
    {"CharField", "TextField", "SlugField", "EmailField", "ForeignKey", "AutoField",
     "BigAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
     "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"}
)  # fmt: skip


def _differing(model: type[models.Model], pk: Any, otype: str) -> list[str] | None:
    """The fields in which the row differs from its newest journaled state, read exactly;
    None when they agree after all."""
    instance = model._default_manager.filter(pk=pk).first()
    state = _newest_state(otype, str(pk))
    if instance is None or state is None:
        return ["(unreadable)"]
    live = json.loads(canonical_json(model_state(instance)))
    names = sorted(set(live) | set(state))
    return [n for n in names if live.get(n) != state.get(n)] or None


def _row_drift(
    model: type[models.Model], otype: str, pk: Any, label: str, digest: bytes, expected: Any
) -> Drift | None:
    """What is wrong with one live row given its newest journaled digest, if anything."""
    record = f"{otype}:{pk}"
    if expected is None:
        return _drift(record, label, "unjournaled", gettext_noop("the row has no journal history"))
    if expected == _DELETED:
        return _drift(record, label, "differs", gettext_noop("the journal says it was destroyed"))
    if expected == _REDACTED:
        return _drift(record, label, "redacted", gettext_noop("its journaled state was redacted"))
    if expected != digest:
        fields = _differing(model, pk, otype)
        if fields:
            return _drift(
                record,
                label,
                "differs",
                gettext_noop("differs in %(fields)s"),
                fields=", ".join(fields),
            )
    return None


def _reconcile_registered(report: RecordsReport, found: Callable[[Drift], None]) -> None:
    """The kinds other apps register (people, tokens, holds, a customer's parts):
    journal/reconcile_kinds.py."""
    from caseledger.journal.reconcile_kinds import kinds, reconcile_kind

    for kind in kinds():
        checked = reconcile_kind(kind, lambda *args, **params: found(_drift(*args, **params)))
        if kind.counted:
            report.checked[kind.object_type] = checked


def reconcile(
    *, max_drifts: int = 100, progress: Callable[[int], None] | None = None
) -> RecordsReport:
    """Rebuild every case and customer (and every kind registered under
    reconcile_kinds.RECONCILED) from the journal and compare with its row."""
    report = RecordsReport()

    def found(drift: Drift) -> None:
        report.total_drifts += 1
        if len(report.drifts) < max_drifts:
            report.drifts.append(drift)

    newest = journal_digests()
    if progress:
        progress(len(newest))
    for otype, model in _models().items():
        checked = 0
        for pk, label, digest in _live(model):
            checked += 1
            expected = newest.pop((otype, str(pk)), None)
            if drift := _row_drift(model, otype, pk, label, digest, expected):
                found(drift)
        report.checked[otype] = checked
        if progress:
            progress(checked)
    for (otype, oid), expected in sorted(newest.items()):
        if expected not in (_DELETED, _REDACTED):
            found(
                _drift(
                    f"{otype}:{oid}",
                    oid,
                    "deleted",
                    gettext_noop(
                        "the journal has it, but its row is gone without a journaled disposal"
                    ),
                )
            )
    _reconcile_registered(report, found)
    return report


# ---- a cheaper first look for the registered kinds (SQLite) ------------------------------


def sqlite_grouped_states(model: type[models.Model], group: str) -> dict[str, str] | None:
    """On SQLite: group value → the canonical JSON of that group's rows' states (a list in
    key order, as a parent's state lists them), built by SQLite itself; None elsewhere or
    when a column cannot be spelled the same there. Only a first look: where SQLite's
    spelling differs from canonical_json (a control character), the texts differ and the
    exact comparison decides."""
    state = _sqlite_state(model) if connection.vendor == "sqlite" else None
    if state is None:
        return None
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    grouped = model._meta.get_field(group)
    assert isinstance(grouped, models.Field), f"{group} is not a column"
    column = quote(str(grouped.column))
    sql = (
        f"SELECT g, json_group_array(json(s)) FROM (SELECT {column} AS g, "
        f"{state} AS s FROM {table} ORDER BY {column}, {pk}) GROUP BY g"
    )
    return {str(g): text for g, text in _rows(sql)}


def sqlite_newest_parts(object_type: str, paths: tuple[str, ...]) -> dict[str, Any] | None:
    """On SQLite: object id → the JSON texts at `paths` (e.g. `$.state.contact_points`) of
    its newest journaled state, or None when that entry holds no state to compare (gone,
    redacted); None elsewhere."""
    if connection.vendor != "sqlite":
        return None
    extracts = ", ".join(f"json_extract(p.body, '{path}')" for path in paths)
    sql = (
        f"SELECT e.object_id, e.action, p.body IS NULL, {extracts} FROM journal_entry e "
        "LEFT JOIN journal_payload p ON p.entry_id = e.seq "
        "WHERE e.object_type = %s ORDER BY e.seq"
    )
    newest: dict[str, Any] = {}
    for oid, action, missing, *texts in _rows(sql, (object_type,)):
        if action in _NOT_STATE:
            continue
        newest[oid] = None if missing or action in _GONE else tuple(texts)
    return newest
