"""The worker keeps the roll-ups current: each minute it consumes what the journal recorded
since (a page view also catches up a small lag itself, rollup.follow_if_close)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.tasks import job


@job("insights.follow")
def follow() -> dict[str, Any]:
    from caseledger.insights import rollup

    return rollup.catch_up()


insights_follow = db_periodic_task(crontab(minute="*"), name="insights.follow")(follow)


@job("insights.capa_remind")
def capa_remind() -> dict[str, Any]:
    from caseledger.insights.services import capa_remind as remind

    return remind(actor=None)


insights_capa_remind = db_periodic_task(crontab(minute="5", hour="8"), name="insights.capa_remind")(
    capa_remind
)
