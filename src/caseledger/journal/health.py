"""The journal's /healthz check: the newest signed checkpoint's age (registered in apps.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.core.health import age_seconds


def checkpoint_probe() -> dict[str, Any]:
    from caseledger.journal import checkpoints

    read = checkpoints.read_log()
    last = read.checkpoints[-1] if read.checkpoints else None
    at = dt.datetime.fromisoformat(last.at.replace("Z", "+00:00")) if last else None
    age = age_seconds(at)
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
        found["warning"] = _(
            "the journal signing key is inside the data directory; keep it on another volume "
            "or host (CASELEDGER_JOURNAL_KEY_FILE, docs/operations/journal.md)"
        )
    return found
