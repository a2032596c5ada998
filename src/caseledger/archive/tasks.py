"""The worker archives eligible cases daily, after the retention recompute (02:17)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.tasks import job


@job("archive.run")
def run() -> dict[str, Any]:
    from caseledger.archive.services import archive_run

    result = archive_run(actor=None)
    result.pop("segment_names", None)  # the heartbeat keeps a summary, not a list
    return result


archive_daily = db_periodic_task(crontab(hour="3", minute="7"), name="archive.run")(run)
