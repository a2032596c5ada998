"""Appending to the journal. Dangerous module: a bug here can fork or break the chain.

Guarantees: every journaled write runs inside `write_transaction()`, which takes the chain
head's row lock first, so appends are serialized on every engine and in every process; an
entry and its payload commit together with the change they describe, or not at all.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from caseledger.core import clock
from caseledger.core.context import current_via
from caseledger.core.state import diff
from caseledger.journal import bursts, group_commit
from caseledger.journal.canonical import canonical_json, entry_digest, format_time, payload_digest
from caseledger.journal.models import ChainHead, Entry


@dataclass(frozen=True)
class Change:
    """One journal entry to write."""

    action: str
    object_type: str
    object_id: str
    state: dict[str, Any] | None
    changes: dict[str, Any] = field(default_factory=dict)
    root: str = ""
    reason: str = ""
    extra: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # An app's actions enum member (a StrEnum) is stored and hashed as its plain text.
        object.__setattr__(self, "action", str(self.action))


# Set while a write_transaction() is open in this thread (the mark of the transaction it
# opened): the head is locked already, and append_many refuses to run without it.
_holding_head: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "caseledger_holding_head", default=False
)


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """One transaction for a whole service call, holding the chain head from the start.

    Taking the head first (not at the first append) means no service ever waits for the
    head while holding another row lock, so writers cannot deadlock. A service called by
    another service (the intake calls customer_create and case_create) joins the caller's
    transaction: no savepoint, no second lock; if it fails, the whole transaction does.
    """
    if _holding_head.get() and connection.in_atomic_block:
        with transaction.atomic(savepoint=False):
            yield
        return
    # About to BEGIN (not inside a caller's transaction, which holds SQLite's lock already):
    # queue for it where a waiter is woken at once (journal/writelock.py), and in a server
    # share the transaction and its fsync with the writers queued behind (group_commit.py;
    # the atomic() below is then this writer's savepoint in the shared transaction).
    queue: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    if not connection.in_atomic_block:
        queue = group_commit.joined() if group_commit.applies() else group_commit.alone()
    with queue, transaction.atomic():
        lock_head()
        token = _holding_head.set(True)
        try:
            yield
        finally:
            _holding_head.reset(token)


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


# The journal's own statements are plain SQL: they run on every write, and the ORM's
# query building was most of a journaled write's cost (see docs/benchmarks.md, ingest).
_ENTRY_COLUMNS = (
    "seq", "at", "actor_id", "actor_name", "via", "action", "object_type", "object_id",
    "root", "reason", "payload_hash", "prev_hash", "hash",
)  # fmt: skip
_INSERT_ENTRY = (
    f"INSERT INTO journal_entry ({', '.join(_ENTRY_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(_ENTRY_COLUMNS))})"
)
_INSERT_PAYLOAD = (
    "INSERT INTO journal_payload (entry_id, body, redacted_at, redaction_ref) "
    "VALUES (%s, %s, NULL, '')"
)


def lock_head() -> Head:
    """The newest seq and hash, locked until the transaction ends (FOR UPDATE on
    PostgreSQL; on SQLite the IMMEDIATE transaction already holds the write lock)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM journal_chainhead WHERE id = 1{lock}")
        row = cursor.fetchone()
        if row is None:
            ChainHead.objects.get_or_create(pk=1)
            cursor.execute(f"SELECT seq, hash FROM journal_chainhead WHERE id = 1{lock}")
            row = cursor.fetchone()
    return Head(seq=row[0], hash=row[1])


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    return actor.pk, actor.get_username()


_UNSET: Any = object()


def record_change(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    after: dict[str, Any] | None,
    before: dict[str, Any] | None = _UNSET,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    root: str = "",
    extra: dict[str, Any] | None = None,
) -> Entry:
    """The one call a service makes to record a change: who (`actor`) did what (`action`,
    a member of the app's actions enum) to which object, its state before and after, and
    why. The entry stores `after` as the state and `diff(before, after)` as the changes
    (`before=None` for a new object: every field is new); pass `changes` only where they
    are not that diff (a reveal, a redaction). Must run inside write_transaction()."""
    if changes is None:
        changes = {} if before is _UNSET else diff(before, after or {})
    return append(
        actor=actor,
        change=Change(
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            state=after,
            changes=changes,
            root=root,
            reason=reason,
            extra=extra,
        ),
    )


def record_changes(
    *,
    actor: Any,
    action: str,
    object_type: str,
    items: Iterable[tuple[Any, dict[str, Any] | None, dict[str, Any], str]],
) -> int:
    """`record_change` for many objects of one type changed by one step, appended as one
    burst (one `at`, one statement per table): `items` are (object_id, before, after,
    reason), each journaled exactly as `record_change(..., before=before, after=after,
    reason=reason)` would journal it; returns the new head's seq. Must run inside
    write_transaction()."""
    _append(
        actor,
        [
            Change(
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                state=after,
                changes=diff(before, after),
                reason=reason,
            )
            for object_id, before, after, reason in items
        ],
        None,
        keep=False,
    )
    return lock_head().seq


def append(*, actor: Any, change: Change) -> Entry:
    return append_many(actor=actor, changes=[change])[-1]


def append_many(*, actor: Any, changes: Iterable[Change], via: str | None = None) -> list[Entry]:
    """Append entries in order. Must run inside write_transaction()."""
    return _append(actor, changes, via, keep=True)


def _append(actor: Any, changes: Iterable[Change], via: str | None, *, keep: bool) -> list[Entry]:
    """`append_many`; `keep=False` builds no Entry objects (a burst whose caller wants
    none: building them was a tenth of an import chunk's assignment) and returns []."""
    if not (_holding_head.get() and connection.in_atomic_block):
        # Any other transaction (a caller's transaction.atomic(), a test's) would let a
        # service write without the head lock taken first: refuse, whoever opened it.
        raise RuntimeError("journal appends must run inside write_transaction()")
    head = lock_head()
    actor_id, actor_name = _actor_fields(actor)
    via = via or current_via()
    at = clock.now()
    at_text = format_time(at)
    at_stored = connection.ops.adapt_datetimefield_value(at)
    seq, prev = head.seq, head.hash
    entries: list[Entry] = []
    entry_rows: list[tuple] = []
    payload_rows: list[tuple] = []
    for change in changes:
        seq += 1
        body: dict[str, Any] = {"changes": change.changes, "state": change.state}
        if change.extra:
            body["extra"] = change.extra
        body_text = canonical_json(body)
        p_hash = payload_digest(body_text)
        object_id = str(change.object_id)
        root = change.root or f"{change.object_type}:{object_id}"
        digest = entry_digest(
            prev, seq, at_text, actor_id, actor_name, via, change.action,
            change.object_type, object_id, root, change.reason, p_hash,
        )  # fmt: skip
        values = (
            seq, at, actor_id, actor_name, via, change.action, change.object_type,
            object_id, root, change.reason, p_hash, prev, digest,
        )  # fmt: skip
        if keep:
            entries.append(Entry(**dict(zip(_ENTRY_COLUMNS, values, strict=True))))
        entry_rows.append((*values[:1], at_stored, *values[2:]))
        payload_rows.append((seq, body_text))
        prev = digest
    if not entry_rows:
        return []
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT_ENTRY, entry_rows)
        cursor.executemany(_INSERT_PAYLOAD, payload_rows)
        cursor.execute("UPDATE journal_chainhead SET seq = %s, hash = %s WHERE id = 1", [seq, prev])
    bursts.note(len(entry_rows))
    return entries


def checkpoint_create(*, actor: Any = None) -> Any:
    """Sign the current head and append it to the checkpoint log outside the database.

    `actor=None` is the system itself (worker, bulk commands). Checkpoints are not journal
    entries: they are evidence about the journal, kept where the database cannot reach.
    """
    from caseledger.core.access import require
    from caseledger.core.permissions import Perm
    from caseledger.journal import checkpoints, copies

    if actor is not None:
        require(actor, Perm.JOURNAL_CHECKPOINT)
    head = ChainHead.objects.filter(pk=1).first()
    seq, head_hash = (head.seq, head.hash) if head else (0, "0" * 64)
    signed = checkpoints.sign(seq, head_hash)
    checkpoints.append_to_log(signed)
    copies.copy(signed)
    return signed
