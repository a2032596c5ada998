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


@job("retention.reminders")
def reminders() -> dict[str, Any]:
    from caseledger.retention.services import reminders_send

    return reminders_send(actor=None)


# After the nightly recompute (02:17), so reminders follow today's due dates.
reminders_daily = db_periodic_task(crontab(hour="3", minute="7"), name="retention.reminders")(
    reminders
)
