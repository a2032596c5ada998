"""Archive's step in the daily records lifecycle run (retention.lifecycle calls it through
the hook registered in apps.py: retention stands below archive, ADR 0010)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any


def lifecycle_step(
    *, actor: Any, on: dt.date, batch_size: int, progress: Callable[..., Any]
) -> tuple[str, dict[str, Any]]:
    from caseledger.archive.queries import eligible
    from caseledger.archive.services import archive_run

    archived = archive_run(
        actor=actor,
        on=on,
        batch_size=batch_size,
        progress=progress("archive", eligible(on).count()),
    )
    archived.pop("segment_names", None)  # a summary, not a list that grows with the data
    return "archive", archived
