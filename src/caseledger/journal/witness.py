"""The signer's own memory of the newest checkpoint it signed, kept beside the private key
(`<key file stem>.last.json`), where whoever holds only the database and the data directory
cannot reach (docs/adr/0002).

Without it the signer signs whatever head the database shows. Someone who rewrote history
with every hash recomputed, or cut the newest entries, and also removed the checkpoints that
would name it from every log within reach (by default the log and both backup destinations
live in the data directory), would have the worker's next checkpoint vouch for the forgery.
With it the signer refuses to sign a head that does not extend what it signed last: the
entry it signed must still be there with the same hash. `journal verify` checks the same, so
the forgery is named at once, not only once the checkpoints go stale.

A restore record resets the memory to the restored head (the restore abandons the later
history on purpose). Where the key's folder is read-only, CASELEDGER_SIGNER_MEMORY_FILE names
another place, as far from the database host's reach as the key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_noop

from caseledger.core.durable import write_atomically
from caseledger.core.logging import get_logger

log = get_logger("caseledger.journal")


@dataclass(frozen=True)
class Signed:
    seq: int
    hash: str
    at: str


@dataclass(frozen=True)
class Broken:
    """Why the journal does not extend the signer's last checkpoint: a msgid and its
    params (English via `text()`, the operator's language where shown)."""

    kind: str  # truncated | removed | rewritten
    seq: int
    msgid: str
    params: dict

    def text(self) -> str:
        return self.msgid % self.params


def path() -> Path:
    configured = getattr(settings, "JOURNAL_SIGNER_MEMORY_FILE", "")
    if configured:
        return Path(configured)
    key = Path(settings.JOURNAL_SIGNING_KEY_FILE)
    return key.with_name(f"{key.stem}.last.json")


def last() -> Signed | None:
    try:
        item = json.loads(path().read_text())
        return Signed(int(item["seq"]), str(item["hash"]), str(item["at"]))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, OSError):
        return None  # torn or unreadable: the logs and their copies still speak


def remember(seq: int, head_hash: str, at: str) -> None:
    """Keep (seq, hash, at) of a checkpoint just signed. A folder the signer may not write
    (a read-only key mount without CASELEDGER_SIGNER_MEMORY_FILE) costs the check, never
    the checkpoint: logged."""
    data = json.dumps({"seq": seq, "hash": head_hash, "at": at}, separators=(",", ":"))
    try:
        write_atomically(path(), (data + "\n").encode())
    except OSError as exc:
        log.warning("journal.signer_memory_unwritable", path=str(path()), error=str(exc))


def broken(head_seq: int) -> Broken | None:
    """What is wrong, if anything, with a journal whose head is `head_seq` given the
    signer's last checkpoint."""
    signed = last()
    if signed is None or signed.seq <= 0:
        return None
    params = {"seq": signed.seq, "at": signed.at, "file": str(path())}
    if head_seq < signed.seq:
        params["end"] = head_seq
        return Broken(
            "truncated",
            signed.seq,
            gettext_noop(
                "the signer last signed entry #%(seq)s (at %(at)s, remembered in %(file)s) "
                "but the journal ends at #%(end)s: its newest entries were cut or the "
                "database rolled back"
            ),
            params,
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM journal_entry WHERE seq = %s", [signed.seq])
        row = cursor.fetchone()
    if row is None:
        return Broken(
            "removed",
            signed.seq,
            gettext_noop(
                "entry #%(seq)s, which the signer signed at %(at)s (remembered in %(file)s), "
                "is missing from the journal"
            ),
            params,
        )
    if row[0] != signed.hash:
        return Broken(
            "rewritten",
            signed.seq,
            gettext_noop(
                "entry #%(seq)s no longer has the hash the signer signed at %(at)s "
                "(remembered in %(file)s): history up to there was rewritten"
            ),
            params,
        )
    return None
