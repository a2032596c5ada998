"""The search index's /healthz check (registered in apps.py): how far it lags the journal."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def search_probe() -> dict[str, Any]:
    try:
        from caseledger.search.indexer import lag

        found = lag()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    seconds = found["seconds"] or 0
    limit = settings.SEARCH_MAX_LAG_SECONDS
    return {"ok": seconds <= limit, **found, "max_lag_seconds": limit}
