"""Appending many journal entries at once, for bulk loaders (demo data, large imports).

Dangerous module: a bug here forks or breaks the chain. It writes exactly the rows
`services.append_many` would write: the body bytes equal `canonical_json({"changes": ...,
"state": ...})` and every hash equals `canonical.entry_digest`. It only skips the per-row
ORM and `json.dumps` overhead. The first entry of every batch is recomputed with the
reference functions and a mismatch aborts the transaction, so a drift between the two
paths cannot silently produce a chain that `journal verify` rejects.

Callers run inside `services.write_transaction()`, which holds the chain head's lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django.db import connection, models

from caseledger.core import clock
from caseledger.core.context import current_via
from caseledger.journal import group_commit
from caseledger.journal.canonical import canonical_json, entry_digest, format_time
from caseledger.journal.models import ChainHead, Entry, Payload
from caseledger.journal.services import lock_head

# The encoder json.dumps(ensure_ascii=False) uses for strings: same escapes, same bytes.
encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]

_sha256 = hashlib.sha256


def encode(value: Any) -> str:
    """One value as canonical JSON text, for building bodies piece by piece."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_str(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return canonical_json(value)


def _plain_keys(keys: Sequence[str]) -> list[int]:
    for key in keys:
        if not key.isidentifier() or not key.isascii():
            raise ValueError(f"state key {key!r} is not a plain name; use canonical_json")
    return sorted(range(len(keys)), key=lambda i: keys[i])


class ObjectTemplate:
    """A JSON object with a fixed set of keys, rendered from values already encoded
    (in `keys` order) with the keys sorted, as canonical_json sorts them."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self._order = _plain_keys(keys)
        self._format = "{" + ",".join(f'"{keys[i]}":%s' for i in self._order) + "}"

    def render(self, encoded: Sequence[str]) -> str:
        return self._format % tuple([encoded[i] for i in self._order])


class CreateBody:
    """The canonical body of a `*.create` entry for a fixed set of state keys.

    For a create, `changes` is `diff(None, state)`: every key, as [null, value]. Given the
    values already encoded (in `keys` order), the body is one string format away.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self._order = _plain_keys(keys)
        changes = ",".join(f'"{keys[i]}":[null,%s]' for i in self._order)
        state = ",".join(f'"{keys[i]}":%s' for i in self._order)
        self._format = '{"changes":{' + changes + '},"state":{' + state + "}}"

    def render(self, encoded: Sequence[str]) -> str:
        ordered = [encoded[i] for i in self._order]
        return self._format % (*ordered, *ordered)


def create_body(state: Mapping[str, Any]) -> str:
    """Reference rendering of a create body; what `append_many` writes for it."""
    from caseledger.core.state import diff

    return canonical_json({"changes": diff(None, dict(state)), "state": dict(state)})


def _columns(model: type[models.Model]) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields]


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Raw multi-row insert: executemany on SQLite, COPY on PostgreSQL.

    Values are what the database stores (datetimes already as text in the engine's form).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", cast(Any, rows))


def next_id(model: type[models.Model]) -> int:
    """The id the table would hand out next: past every row and past every id it ever
    issued (SQLite AUTOINCREMENT and PostgreSQL sequences never reuse one)."""
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")
        highest = int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            issued = int(row[0]) if row else 0
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            cursor.execute(f"SELECT last_value, is_called FROM {cursor.fetchone()[0]}")
            last, called = cursor.fetchone()
            issued = int(last) if called else int(last) - 1
        else:
            issued = 0
    return max(highest, issued) + 1


def sync_sequences(*model_list: type[models.Model]) -> None:
    """PostgreSQL identity sequences do not see explicit ids; move them past the new rows."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in model_list:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"(SELECT MAX(id) FROM {connection.ops.quote_name(table)}))",
                [table],
            )


class _Checkpointer(threading.Thread):
    """Copies committed WAL frames into the database file from a connection of its own
    while a bulk load goes on writing, so the loader's commits do not stop to do it.
    PASSIVE: it never waits for, nor blocks, a reader or the writer (SQLite's WAL mode)."""

    PAUSE = 0.2

    def __init__(self, path: str, synchronous: int) -> None:
        super().__init__(name="caseledger-checkpointer", daemon=True)
        self.path, self.synchronous = path, synchronous
        self.done = threading.Event()
        self.failed: BaseException | None = None

    def run(self) -> None:
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            self.failed = exc
            return
        try:
            db.execute(f"PRAGMA synchronous = {int(self.synchronous)}")
            while not self.done.wait(self.PAUSE):
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:  # the loader's own checkpoints take over (see __exit__)
            self.failed = exc
        finally:
            db.close()


class BulkSession:
    """Per-connection PRAGMAs for a big load, put back afterwards; nothing persistent
    (journal_mode stays WAL) and nothing another connection sees. The demo command and
    the spreadsheet import hold it around their loaders.

    `relaxed` also turns this connection's fsyncs off while it loads. Only for a database
    that had no cases: an OS crash mid-load could then damage it, and the remedy is to run
    the demo again on a fresh data directory. Leaving the session, synchronous goes back
    and the final WAL checkpoint (see `finish`) syncs everything to disk.

    On SQLite the WAL is checkpointed by a thread with its own connection (`_Checkpointer`,
    as durable as the loader's: FULL unless relaxed) instead of by the loader's commits:
    at a million rows those commits spent 128 s of 561 copying pages (docs/benchmarks.md).
    """

    # The loader's own checkpoints only as a backstop: when the thread falls behind and the
    # WAL passes ~400 MB (100,000 pages of 4 KiB).
    SETTINGS = {"cache_size": -1_048_576, "temp_store": 2, "wal_autocheckpoint": 100_000}

    def __init__(self, relaxed: bool) -> None:
        self.settings = dict(self.SETTINGS, **({"synchronous": 0} if relaxed else {}))
        self.saved: dict[str, Any] = {}
        self.alone: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        self.checkpointer: _Checkpointer | None = None

    def __enter__(self) -> BulkSession:
        # This connection's PRAGMAs hold only for writes made on it: not in a server's
        # shared group-commit transaction (journal/group_commit.py).
        self.alone = group_commit.solo()
        self.alone.__enter__()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for name, value in self.settings.items():
                    cursor.execute(f"PRAGMA {name}")
                    self.saved[name] = cursor.fetchone()[0]
                    cursor.execute(f"PRAGMA {name} = {int(value)}")
                cursor.execute("PRAGMA synchronous")
                synchronous = cursor.fetchone()[0]
            path = str(connection.settings_dict["NAME"])
            if path != ":memory:" and "mode=memory" not in path:
                self.checkpointer = _Checkpointer(path, synchronous)
                self.checkpointer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.checkpointer is not None:
                self.checkpointer.done.set()
                self.checkpointer.join()
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    for name, value in self.saved.items():
                        cursor.execute(f"PRAGMA {name} = {int(value)}")
        finally:
            self.alone.__exit__(None, None, None)


def db_time(at) -> Any:
    """A datetime as the engine stores it (what the ORM would send)."""
    return connection.ops.adapt_datetimefield_value(at)


_ENTRY_COLUMNS = [
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "via",
    "action",
    "object_type",
    "object_id",
    "root",
    "reason",
    "payload_hash",
    "prev_hash",
    "hash",
]
_PAYLOAD_COLUMNS = ["entry_id", "body", "redacted_at", "redaction_ref"]


def check_schema() -> None:
    """Refuse to run if the journal tables gained or lost a column since this was written."""
    if sorted(_columns(Entry)) != sorted(_ENTRY_COLUMNS) or sorted(_columns(Payload)) != sorted(
        _PAYLOAD_COLUMNS
    ):
        raise RuntimeError("journal schema changed; update journal/bulk.py before bulk loading")


def append_rendered(
    items: Sequence[tuple[str, str, str, str, str]],
    *,
    actor: Any = None,
    via: str | None = None,
    reasons: Sequence[str] | None = None,
) -> tuple[int, str]:
    """Append entries whose bodies are already canonical JSON text.

    `items` are (action, object_type, object_id, root, body). All get one `at`, like one
    `append_many` call; `reasons`, when given, is one reason per item (an import names the
    source file and row of each record). Returns the new head (seq, hash).

    Long because it is the bulk path's hot loop (bench/ingest.py): the hash chain is built
    inline, one frame for all items.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("journal appends must run inside write_transaction()")
    head = lock_head()
    if not items:
        return head.seq, head.hash
    actor_id, actor_name = (None, "system") if actor is None else (actor.pk, actor.get_username())
    via = via or current_via()
    at = clock.now()
    at_text = format_time(at)
    reason = ""
    # Everything before seq and after payload_hash is the same for the whole batch.
    middle = (
        ","
        + ",".join([encode_str(at_text), encode(actor_id), encode_str(actor_name), encode_str(via)])
        + ","
    )
    tail_reason = "," + encode_str(reason) + ',"'
    seq, prev = head.seq, head.hash
    at_db = db_time(at)
    entries = []
    payloads = []
    if reasons is not None and len(reasons) != len(items):
        raise ValueError("one reason per item")
    for number, (action, object_type, object_id, root, body) in enumerate(items):
        if reasons is not None:
            reason = reasons[number]
            tail_reason = "," + encode_str(reason) + ',"'
        seq += 1
        p_hash = _sha256(body.encode()).hexdigest()
        header = (
            f"{prev}[{seq}{middle}{encode_str(action)},{encode_str(object_type)},"
            f'{encode_str(object_id)},{encode_str(root)}{tail_reason}{p_hash}"]'
        )
        digest = _sha256(header.encode()).hexdigest()
        entries.append(
            (
                seq,
                at_db,
                actor_id,
                actor_name,
                via,
                action,
                object_type,
                object_id,
                root,
                reason,
                p_hash,
                prev,
                digest,
            )
        )
        payloads.append((seq, body, None, ""))
        prev = digest
    for entry, item in ((entries[0], items[0]), (entries[-1], items[-1])):
        _self_check(entry, item[4], at_text)
    insert_rows(Entry, _ENTRY_COLUMNS, entries)
    insert_rows(Payload, _PAYLOAD_COLUMNS, payloads)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return seq, prev


def _self_check(entry: tuple, body: str, at_text: str) -> None:
    """The row as it will be inserted (`_ENTRY_COLUMNS` order: seq, at, the nine hashed
    fields from actor_id to payload_hash, prev_hash, hash) against `entry_digest`, the one
    reference of the format: its body must be canonical JSON and its hash the same."""
    seq, prev, digest = entry[0], entry[11], entry[12]
    if canonical_json(json.loads(body)) != body:
        raise RuntimeError(f"bulk journal: body of entry #{seq} is not canonical JSON")
    if entry_digest(prev, seq, at_text, *entry[2:11]) != digest:
        raise RuntimeError(f"bulk journal: entry #{seq} hash differs from entry_digest")
