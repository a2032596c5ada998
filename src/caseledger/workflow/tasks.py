"""The worker's clock sweep: every 5 minutes, recompute the clocks of open cases and notice
due-soon, breach and escalation steps once each (workflow.clocks.services.clock_sweep)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.tasks import job


@job("clocks.sweep")
def sweep() -> dict[str, Any]:
    from caseledger.workflow.clocks.services import clock_sweep

    return clock_sweep(actor=None)


sweep_periodic = db_periodic_task(crontab(minute="*/5"), name="clocks.sweep")(sweep)
