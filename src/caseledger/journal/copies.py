"""Copies of the signed checkpoints at every backup destination, made as each is signed.

The checkpoint log in the data directory is within reach of whoever holds that directory;
cutting the newest entries of the journal without a trace then means also reaching every
backup destination (another disk, another host, object storage) and removing the copy there.
`journal verify` reads the copies back as further checkpoint logs (`--no-copies` skips them
for an offline check).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from caseledger.journal import checkpoints as cp

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Copy:
    destination: str
    read: cp.LogRead


# backup registers its configured destinations at start-up: it stands above the journal.
DESTINATIONS = "journal.checkpoint_destinations"


def _destinations() -> list:
    from caseledger.core import hooks
    from caseledger.core.errors import ValidationFailed

    try:
        return list(hooks.one(DESTINATIONS)())
    except ValidationFailed:
        return []  # none configured (or misconfigured: `caseledger status` reports that)


def copy(checkpoint: cp.Checkpoint) -> list[str]:
    """Append the checkpoint at every destination; the destinations it could not reach."""
    line = cp.to_line(checkpoint)
    name = f"{checkpoint.seq:015d}-{checkpoint.at}.jsonl"
    failed: list[str] = []
    for destination in _destinations():
        try:
            destination.append_checkpoint(name, line)
        except Exception as exc:  # an unreachable destination must not lose the local one
            log.warning("checkpoint copy to %s failed: %s", destination.name, exc)
            failed.append(f"{destination.name}: {type(exc).__name__}: {exc}")
    return failed


def read_all() -> list[Copy]:
    """Every destination's copy of the log (exists=False where there is none)."""
    found: list[Copy] = []
    for destination in _destinations():
        source = f"{destination.name} ({destination.describe()})"
        try:
            data = destination.checkpoint_log()
        except Exception as exc:
            found.append(Copy(destination.name, cp.LogRead([], [f"{source}: unreadable ({exc})"])))
            continue
        if data is None:
            found.append(Copy(destination.name, cp.LogRead([], [], exists=False, source=source)))
        else:
            found.append(Copy(destination.name, cp.parse(data.decode("utf-8", "replace"), source)))
    return found
