"""Taking backups and running restore drills. Dangerous module: a backup that silently misses
a destination, or a drill that passes without checking, is found out on the worst day.

Guarantees: `backup_run` writes one snapshot to every configured destination; a destination
that fails does not stop the others, and every failure is recorded (BackupRun and one
DestinationResult per destination), journaled, logged at error and mailed to administrators.
Each written copy is read back before it counts as verified, and pruning never removes the
newest verified backup of a destination. `drill_run` restores each destination's latest
backup into scratch, checks it end to end and against live, and records and journals the
result; a failed drill alerts.

One module per subject, every public name re-exported here so callers read the same:
runs (backup_run), drills (drill_run).
"""

from caseledger.backup.services.drills import (
    drill_run,
)
from caseledger.backup.services.runs import (
    backup_run,
    exclusive,
)

__all__ = [
    "backup_run",
    "drill_run",
    "exclusive",
]
