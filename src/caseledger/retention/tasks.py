"""The worker's retention jobs: the one daily lifecycle run (deadlines, reminders, archive,
dispositions: retention.lifecycle), and a recompute soon after a schedule changes."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caseledger.core.tasks import job


@job("retention.recompute")
def recompute(requested_at: str | None = None) -> dict[str, Any]:
    """A full recompute, unless one that started after `requested_at` already rewrote every
    deadline: ten schedule edits in a row (adopting presets, say) cost one pass, not ten."""
    import datetime as dt

    from django.db.models import Min

    from caseledger.retention.models import RecordRetention
    from caseledger.retention.services import retention_recompute

    if requested_at is not None:
        oldest = RecordRetention.objects.aggregate(oldest=Min("computed_at"))["oldest"]
        if oldest is not None and oldest >= dt.datetime.fromisoformat(requested_at):
            return {"skipped": "every deadline was recomputed after this request"}
    return retention_recompute(actor=None)


recompute_task = db_task(name="retention.recompute_now")(recompute)


def recompute_soon() -> None:
    from caseledger.core import clock

    recompute_task(clock.now().isoformat())


@job("retention.reminders")
def reminders() -> dict[str, Any]:
    """Reminders alone, for an operator's shell; the daily run sends them in order."""
    from caseledger.retention.services import reminders_send

    return reminders_send(actor=None)


@job("retention.run")
def lifecycle() -> dict[str, Any]:
    from caseledger.retention.lifecycle import AlreadyRunning, exclusive, lifecycle_run

    # Several consumers each schedule periodic jobs: the lock lets one of them (or an
    # operator's `caseledger retention run`) do the run; a second one is not a failure.
    try:
        with exclusive():
            return lifecycle_run(actor=None)
    except AlreadyRunning:
        return {"skipped": "a retention run is already running"}


# One daily run, in the quiet hours; it replaces the separate recompute, reminder and
# archive jobs, whose order (deadlines before reminders before archive) it now guarantees.
lifecycle_daily = db_periodic_task(crontab(hour="2", minute="17"), name="retention.run")(lifecycle)
