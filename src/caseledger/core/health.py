"""What /healthz and `caseledger status` report: the database, the worker, the checkpoints,
the backups, the replication."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from caseledger.core import clock


@dataclass
class Health:
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c["ok"] for c in self.checks.values())

    @property
    def warnings(self) -> list[str]:
        return [c["warning"] for c in self.checks.values() if c.get("warning")]

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": self.checks, "warnings": self.warnings}


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq FROM journal_chainhead WHERE id = 1")
            row = cursor.fetchone()
        return {"ok": True, "engine": connection.vendor, "journal_head": row[0] if row else 0}
    except Exception as exc:  # any failure here is what the check reports
        return {"ok": False, "engine": connection.vendor, "error": type(exc).__name__}


def _age(at: dt.datetime | None) -> float | None:
    return None if at is None else round((clock.now() - at).total_seconds(), 1)


def _worker() -> dict[str, Any]:
    from caseledger.core.models import Heartbeat

    try:
        beat = Heartbeat.objects.filter(name="worker").first()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    age = _age(beat.at if beat else None)
    limit = settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    return {
        "ok": age is not None and age <= limit,
        "last_heartbeat_age_seconds": age,
        "max_age_seconds": limit,
    }


def _checkpoint() -> dict[str, Any]:
    from caseledger.journal import checkpoints

    read = checkpoints.read_log()
    last = read.checkpoints[-1] if read.checkpoints else None
    at = dt.datetime.fromisoformat(last.at.replace("Z", "+00:00")) if last else None
    age = _age(at)
    limit = settings.HEALTH_CHECKPOINT_MAX_AGE_MINUTES * 60
    found: dict[str, Any] = {
        "ok": age is not None and age <= limit,
        "last_checkpoint_age_seconds": age,
        "last_checkpoint_seq": last.seq if last else None,
        "max_age_seconds": limit,
    }
    key = Path(settings.JOURNAL_SIGNING_KEY_FILE).resolve()
    if key.is_relative_to(Path(settings.DATA_DIR).resolve()):
        # Whoever holds the data directory could sign checkpoints for a forged history.
        found["warning"] = (
            "the journal signing key is inside the data directory; keep it on another volume "
            "or host (CASELEDGER_JOURNAL_KEY_FILE, docs/operations/journal.md)"
        )
    return found


def _backup() -> dict[str, Any]:
    try:
        from caseledger.backup.queries import health_check

        return health_check()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def _replication() -> dict[str, Any]:
    try:
        from caseledger.backup.replication import replica_lag

        return replica_lag()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def _search() -> dict[str, Any]:
    try:
        from caseledger.search.indexer import lag

        found = lag()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    seconds = found["seconds"] or 0
    limit = settings.SEARCH_MAX_LAG_SECONDS
    return {"ok": seconds <= limit, **found, "max_lag_seconds": limit}


def _inactive_owners() -> dict[str, Any]:
    """Open work still owned by deactivated people (offboarding keeps it at 0)."""
    try:
        from caseledger.workflow.queries import orphan_health

        return orphan_health()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def health() -> Health:
    return Health(
        checks={
            "database": _database(),
            "worker": _worker(),
            "checkpoint": _checkpoint(),
            "backup": _backup(),
            "replication": _replication(),
            "search": _search(),
            "inactive_owners": _inactive_owners(),
        }
    )
