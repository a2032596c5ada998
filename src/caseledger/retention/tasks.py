"""The worker recomputes every deadline daily (due dates move into due soon and due as
days pass) and soon after a schedule changes."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caseledger.core.tasks import job


@job("retention.recompute")
def recompute() -> dict[str, Any]:
    from caseledger.retention.services import retention_recompute

    return retention_recompute(actor=None)


retention_daily = db_periodic_task(crontab(hour="2", minute="17"), name="retention.recompute")(
    recompute
)
recompute_task = db_task(name="retention.recompute_now")(recompute)


def recompute_soon() -> None:
    recompute_task()
