"""What /healthz and `caseledger status` report: the database and the worker here; the
checkpoints, backups, replication, search lag and inactive owners from the probes their
apps register at start-up (`register_probe`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
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


def age_seconds(at: dt.datetime | None) -> float | None:
    return None if at is None else round((clock.now() - at).total_seconds(), 1)


def _worker() -> dict[str, Any]:
    from caseledger.core.models import Heartbeat

    try:
        beat = Heartbeat.objects.filter(name="worker").first()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    age = age_seconds(beat.at if beat else None)
    limit = settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    return {
        "ok": age is not None and age <= limit,
        "last_heartbeat_age_seconds": age,
        "max_age_seconds": limit,
    }


_PROBES: dict[str, tuple[int, Callable[[], dict[str, Any]]]] = {}


def register_probe(name: str, probe: Callable[[], dict[str, Any]], *, order: int) -> None:
    """Apps above core add their checks at start-up (their AppConfig.ready()): core never
    imports them (docs/architecture.md, floors). `order` keeps the report's order stable."""
    _PROBES[name] = (order, probe)


def health() -> Health:
    checks = {"database": _database(), "worker": _worker()}
    for name, (_order, probe) in sorted(_PROBES.items(), key=lambda item: item[1][0]):
        checks[name] = probe()
    return Health(checks=checks)
