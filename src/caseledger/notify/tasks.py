"""The worker's notify jobs, each a thin, idempotent wrapper: follow the journal into
notifications and the webhook outbox, mail what is due, send what is due (every minute,
huey's finest tick)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.tasks import job


@job("notify.follow")
def follow() -> dict[str, Any]:
    from caseledger.notify import follow as follower

    return follower.catch_up()


@job("notify.mail")
def mail() -> dict[str, Any]:
    from caseledger.notify import follow as follower
    from caseledger.notify.mail import send_due

    follower.catch_up()
    return send_due()


@job("webhooks.deliver")
def deliver() -> dict[str, Any]:
    from caseledger.notify import follow as follower
    from caseledger.notify.sending import deliver_due

    follower.catch_up()
    return deliver_due()


notify_follow = db_periodic_task(crontab(minute="*"), name="notify.follow")(follow)
notify_mail = db_periodic_task(crontab(minute="*"), name="notify.mail")(mail)
webhooks_deliver = db_periodic_task(crontab(minute="*"), name="webhooks.deliver")(deliver)
