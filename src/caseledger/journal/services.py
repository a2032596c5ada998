"""Appending to the journal. Dangerous module: a bug here can fork or break the chain.

Guarantees: every journaled write runs inside `write_transaction()`, which takes the chain
head's row lock first, so appends are serialized on every engine and in every process; an
entry and its payload commit together with the change they describe, or not at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from caseledger.core import clock
from caseledger.core.context import current_via
from caseledger.journal.canonical import canonical_json, entry_digest, format_time, payload_digest
from caseledger.journal.models import ChainHead, Entry, Payload


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


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """One transaction for a whole service call, holding the chain head from the start.

    Taking the head first (not at the first append) means no service ever waits for the
    head while holding another row lock, so writers cannot deadlock.
    """
    with transaction.atomic():
        _lock_head()
        yield


def _lock_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    return actor.pk, actor.get_username()


def append(*, actor: Any, change: Change) -> Entry:
    return append_many(actor=actor, changes=[change])[-1]


def append_many(*, actor: Any, changes: Iterable[Change], via: str | None = None) -> list[Entry]:
    """Append entries in order. Must run inside write_transaction()."""
    if not connection.in_atomic_block:
        raise RuntimeError("journal appends must run inside write_transaction()")
    head = _lock_head()
    actor_id, actor_name = _actor_fields(actor)
    via = via or current_via()
    at = clock.now()
    at_text = format_time(at)
    seq, prev = head.seq, head.hash
    entries: list[Entry] = []
    payloads: list[Payload] = []
    for change in changes:
        seq += 1
        body: dict[str, Any] = {"changes": change.changes, "state": change.state}
        if change.extra:
            body["extra"] = change.extra
        body_text = canonical_json(body)
        p_hash = payload_digest(body_text)
        root = change.root or f"{change.object_type}:{change.object_id}"
        digest = entry_digest(
            prev,
            seq,
            at_text,
            actor_id,
            actor_name,
            via,
            change.action,
            change.object_type,
            str(change.object_id),
            root,
            change.reason,
            p_hash,
        )
        entries.append(
            Entry(
                seq=seq,
                at=at,
                actor_id=actor_id,
                actor_name=actor_name,
                via=via,
                action=change.action,
                object_type=change.object_type,
                object_id=str(change.object_id),
                root=root,
                reason=change.reason,
                payload_hash=p_hash,
                prev_hash=prev,
                hash=digest,
            )
        )
        payloads.append(Payload(entry_id=seq, body=body_text))
        prev = digest
    if not entries:
        return []
    Entry.objects.bulk_create(entries, batch_size=2000)
    Payload.objects.bulk_create(payloads, batch_size=2000)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return entries


def checkpoint_create(*, actor: Any = None) -> Any:
    """Sign the current head and append it to the checkpoint log outside the database.

    `actor=None` is the system itself (worker, bulk commands). Checkpoints are not journal
    entries: they are evidence about the journal, kept where the database cannot reach.
    """
    from caseledger.accounts.access import require
    from caseledger.accounts.permissions import Perm
    from caseledger.journal import checkpoints

    if actor is not None:
        require(actor, Perm.JOURNAL_CHECKPOINT)
    head = ChainHead.objects.filter(pk=1).first()
    seq, head_hash = (head.seq, head.hash) if head else (0, "0" * 64)
    signed = checkpoints.sign(seq, head_hash)
    checkpoints.append_to_log(signed)
    return signed
