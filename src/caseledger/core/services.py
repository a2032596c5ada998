"""Operational bookkeeping: heartbeats. These are not records, so they are not journaled."""

from __future__ import annotations

from caseledger.core import clock
from caseledger.core.models import Heartbeat


def heartbeat_beat(*, name: str, detail: dict | None = None) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": clock.now(), "detail": detail or {}}
    )
