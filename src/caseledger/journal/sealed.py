"""A vault key holder (vault.holders.SealedColumn) for rows that journal their re-sealing
as one plain `record_change` each: the row's state before and after under the app's own
action, in the journal's write transaction. The vault stands below the journal and cannot
reach either, so the apps that keep a sealed column (the mailboxes' IMAP passwords, the
webhooks' signing secrets) build their holder here rather than each writing the same
journaling again. The state an app hands in must say only that a value is set: the entry
records the move, never the value or its ciphertext."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from caseledger.journal.services import record_change, write_transaction
from caseledger.vault.holders import SealedColumn


def journaled_sealed_column(
    *,
    name: str,
    rows: Callable[[], Any],
    column: str,
    where: Callable[[Any], dict[str, str]],
    state: Callable[[Any], dict[str, Any]],
    action: str,
    object_type: str,
) -> SealedColumn:
    """`name`, `rows`, `column`, `where` and `state` as SealedColumn takes them; each row
    moved to the active key is journaled as `action` on `object_type` #row.pk."""

    def journal(actor: Any, row: Any, before: dict[str, Any], reason: str) -> None:
        record_change(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=row.pk,
            before=before,
            after=state(row),
            reason=reason,
        )

    return SealedColumn(
        name=name,
        rows=rows,
        column=column,
        where=where,
        state=state,
        journal=journal,
        transaction=write_transaction,
    )
