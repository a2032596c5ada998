"""Whether the checkpoint logs themselves can be trusted to vouch for the journal.

A log that is missing, empty, garbled or stale proves nothing, and each of those is what an
attacker who cut the newest entries would leave behind: delete the log (and the key), or
delete its last lines, or let it age. `journal verify` (with `expect=True`) fails, naming
the reason, when

- a log (the configured one, or a copy at a backup destination) has a line that is not a
  checkpoint;
- the configured log is missing or empty while the signing key exists (a checkpoint was
  signed: the key is made by the first one), or while the journal is older than
  CASELEDGER_CHECKPOINT_MAX_AGE_MINUTES;
- the newest checkpoint of a log or copy is older than that, or entries older than that
  are covered by no checkpoint.

A destination without any copy yet is a note: copies begin with the first checkpoint signed
after the destination was configured (or this version installed). The worker signs every
CASELEDGER_CHECKPOINT_MINUTES, so a healthy installation never comes near the limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_noop

from caseledger.core import clock
from caseledger.journal import checkpoints as cp

Fail = Callable[..., None]  # fail(seq, msgid, **params)


def allowance() -> dt.timedelta:
    return dt.timedelta(minutes=settings.HEALTH_CHECKPOINT_MAX_AGE_MINUTES)


def _when(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _entry_time(sql: str, params: list) -> dt.datetime | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if not row or row[0] is None:
        return None
    value = row[0]
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def first_entry_at() -> dt.datetime | None:
    return _entry_time("SELECT at FROM journal_entry ORDER BY seq LIMIT 1", [])


def unchecked(
    fail: Fail, logs: list[tuple[str, cp.LogRead]], *, configured: Path | None, entries: int
) -> None:
    """Garbled lines in any log, and a missing or empty configured log (`configured` is its
    path when verify reads it). A missing key with checkpoints is the signature check's."""
    for _, read in logs:
        for bad in read.unreadable:
            fail(
                None,
                gettext_noop("%(line)s: the log is garbled; it cannot vouch for the journal"),
                line=bad,
            )
    if configured is None or not entries:
        return
    own = next((r for label, r in logs if label == str(configured)), None)
    if own is None or own.checkpoints or own.unreadable:
        return
    # Each of these exists only once a checkpoint was signed: the private key (made by the
    # first), the public key beside the log (written by it), a copy at a destination.
    signed = (
        Path(settings.JOURNAL_SIGNING_KEY_FILE).exists()
        or cp.public_key_path(configured).exists()
        or any(r.checkpoints for label, r in logs if label != str(configured))
    )
    if signed:
        if own.exists:
            fail(
                None,
                gettext_noop("the checkpoint log %(path)s is empty, yet a checkpoint was signed"),
                path=configured,
            )
        else:
            fail(
                None,
                gettext_noop("the checkpoint log %(path)s is missing, yet a checkpoint was signed"),
                path=configured,
            )
        return
    started = first_entry_at()
    if started is not None and clock.now() - started > allowance():
        params = {
            "path": configured,
            "began": f"{started:%Y-%m-%d %H:%M}",
            "minutes": settings.HEALTH_CHECKPOINT_MAX_AGE_MINUTES,
        }
        if own.exists:
            msgid = gettext_noop(
                "the checkpoint log %(path)s is empty and there is no signing key, yet the "
                "journal began %(began)s UTC, longer ago than checkpoints may lag "
                "(%(minutes)s minutes)"
            )
        else:
            msgid = gettext_noop(
                "the checkpoint log %(path)s is missing and there is no signing key, yet the "
                "journal began %(began)s UTC, longer ago than checkpoints may lag "
                "(%(minutes)s minutes)"
            )
        fail(None, msgid, **params)


def stale(fail: Fail, logs: list[tuple[str, cp.LogRead]], head_seq: int) -> None:
    """Each log's newest checkpoint must be recent, and no old entry may be uncovered."""
    if not head_seq:
        return
    limit = allowance()
    now = clock.now()
    started = first_entry_at()
    if started is None or now - started <= limit:
        return  # a journal younger than the limit may not have been checkpointed yet
    minutes = settings.HEALTH_CHECKPOINT_MAX_AGE_MINUTES
    newest_seq = -1
    for label, read in logs:
        if not read.checkpoints:
            continue
        newest = max(read.checkpoints, key=lambda c: (c.seq, c.at))
        newest_seq = max(newest_seq, newest.seq)
        signed = _when(newest.at)
        if signed is not None and now - signed > limit:
            fail(
                newest.seq,
                gettext_noop(
                    "the newest checkpoint in %(log)s was signed %(at)s, longer ago than "
                    "checkpoints may lag (%(minutes)s minutes): the log is stale or was cut"
                ),
                log=label,
                at=newest.at,
                minutes=minutes,
            )
    if newest_seq < 0 or newest_seq >= head_seq:
        return
    oldest = _entry_time(
        "SELECT at FROM journal_entry WHERE seq > %s ORDER BY seq LIMIT 1", [newest_seq]
    )
    if oldest is not None and now - oldest > limit:
        fail(
            newest_seq + 1,
            gettext_noop(
                "entries #%(first)s..#%(last)s (the first written %(written)s UTC) are covered "
                "by no checkpoint, longer than checkpoints may lag (%(minutes)s minutes): the "
                "newest checkpoints were removed or never signed"
            ),
            first=newest_seq + 1,
            last=head_seq,
            written=f"{oldest:%Y-%m-%d %H:%M}",
            minutes=minutes,
        )
