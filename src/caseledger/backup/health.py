"""The backups' /healthz checks (registered in apps.py): the newest backup, the replica's lag."""

from __future__ import annotations

from typing import Any


def backup_probe() -> dict[str, Any]:
    try:
        from caseledger.backup.queries import health_check

        return health_check()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def replication_probe() -> dict[str, Any]:
    try:
        from caseledger.backup.replication import replica_lag

        return replica_lag()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
