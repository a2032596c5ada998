"""Workflow's /healthz check (registered in apps.py)."""

from __future__ import annotations

from typing import Any


def inactive_owners_probe() -> dict[str, Any]:
    """Open work still owned by deactivated people (offboarding keeps it at 0)."""
    try:
        from caseledger.workflow.queries import orphan_health

        return orphan_health()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
