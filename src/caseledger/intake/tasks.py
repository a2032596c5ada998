"""The worker's e-mail job: poll every active mailbox on a schedule."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.tasks import job


@job("mail.fetch")
def mail_fetch() -> list[dict[str, Any]]:
    from caseledger.intake.mail.fetch import fetch_all

    return [report.as_dict() for report in fetch_all()]


mail_fetch_periodic = db_periodic_task(
    crontab(minute=f"*/{max(1, min(59, settings.MAIL_FETCH_MINUTES))}"), name="mail.fetch"
)(mail_fetch)
