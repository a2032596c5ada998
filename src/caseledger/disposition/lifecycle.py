"""Disposition's step in the daily records lifecycle run: execute approved dispositions
(retention.lifecycle calls it through the hook registered in apps.py, ADR 0010)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any


def lifecycle_step(
    *, actor: Any, on: dt.date, batch_size: int, progress: Callable[..., Any]
) -> tuple[str, dict[str, Any]]:
    from caseledger.disposition.models import BatchStatus, DispositionItem, ItemStatus
    from caseledger.disposition.services import disposition_execute_pending

    pending = DispositionItem.objects.filter(
        batch__status__in=(BatchStatus.APPROVED, BatchStatus.EXECUTING),
        status=ItemStatus.PENDING,
    ).count()
    return "disposition", disposition_execute_pending(
        actor=actor, progress=progress("disposition", pending)
    )
