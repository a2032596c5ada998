"""What an attacker with database access would do: drop the triggers and change rows."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection

from caseledger.journal import triggers
from caseledger.journal.canonical import entry_digest
from caseledger.journal.verify import _time_text


@contextlib.contextmanager
def triggers_dropped() -> Iterator[None]:
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def sql(statement: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def rows_from(seq: int) -> list[tuple]:
    return sql(
        "SELECT seq, at, actor_id, actor_name, via, action, object_type, object_id, root, "
        "reason, payload_hash FROM journal_entry WHERE seq >= %s ORDER BY seq",
        [seq],
    )


def rechain_from(seq: int) -> None:
    """Recompute every hash from `seq` on, and the head: a careful forger's rewrite."""
    prev = sql("SELECT hash FROM journal_entry WHERE seq = %s", [seq - 1])[0][0]
    for row in rows_from(seq):
        (s, at, actor_id, actor_name, via, action, otype, oid, root, reason, p_hash) = row
        digest = entry_digest(
            prev,
            s,
            _time_text(at),
            actor_id,
            actor_name,
            via,
            action,
            otype,
            oid,
            root,
            reason,
            p_hash,
        )
        sql("UPDATE journal_entry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, s])
        prev = digest
    last = sql("SELECT MAX(seq) FROM journal_entry")[0][0]
    sql("UPDATE journal_chainhead SET seq = %s, hash = %s WHERE id = 1", [last, prev])
