"""The worker's backups (every BACKUP_EVERY_HOURS) and restore drills (weekly)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.tasks import job


def _every(hours: int) -> crontab:
    if hours < 1:
        # Checked as the task module loads, before translations can be: English.
        raise ValueError("CASELEDGER_BACKUP_EVERY_HOURS must be at least 1")
    return crontab(minute="7", hour="*" if hours == 1 else f"*/{hours}")


@job("backup.run")
def backup() -> dict[str, Any]:
    from caseledger.backup.services import backup_run

    run = backup_run(actor=None)
    if not run.ok:  # recorded and alerted already; failing the job marks it in job:backup.run
        raise RuntimeError(
            _("backup %(snapshot)s did not reach every destination") % {"snapshot": run.snapshot_id}
        )
    return {"snapshot": run.snapshot_id, "bytes": run.archive_bytes}


@job("backup.drill")
def drill() -> dict[str, Any]:
    from caseledger.backup.services import drill_run

    drills = drill_run(actor=None)
    failed = [d.destination for d in drills if not d.ok]
    if failed:
        raise RuntimeError(
            _("restore drill failed at %(destinations)s") % {"destinations": ", ".join(failed)}
        )
    return {"drills": len(drills)}


backup_periodic = db_periodic_task(_every(settings.BACKUP_EVERY_HOURS), name="backup.run")(backup)
drill_periodic = db_periodic_task(
    crontab(day_of_week="0", hour="3", minute="37"), name="backup.drill"
)(drill)
