"""The worker keeps the roll-ups current: each minute it consumes what the journal recorded
since (a page view also catches up a small lag itself, rollup.follow_if_close)."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.tasks import job

# Beyond this many journal entries behind (a demo or an import just loaded), counting
# everything again in bulk is much faster than following entry by entry.
REBUILD_OVER = 50_000


@job("insights.follow")
def follow() -> dict[str, Any]:
    from caseledger.insights import rollup

    if rollup.lag()["entries"] > REBUILD_OVER:
        return rollup.rebuild()
    return rollup.catch_up()


insights_follow = db_periodic_task(crontab(minute="*"), name="insights.follow")(follow)


@job("insights.capa_remind")
def capa_remind() -> dict[str, Any]:
    from caseledger.insights.services import capa_remind as remind

    return remind(actor=None)


insights_capa_remind = db_periodic_task(crontab(minute="5", hour="8"), name="insights.capa_remind")(
    capa_remind
)


@job("insights.review_reports")
def review_reports() -> dict[str, Any]:
    """Last month's review reports (and last quarter's on a quarter's first day), for the
    organisation and every department, each mailed to its subscribers."""
    import datetime as dt

    from django.utils import timezone

    from caseledger.accounts.models import Department
    from caseledger.core import clock
    from caseledger.insights.services import review_generate
    from caseledger.insights.subscriptions import review_mail_safely

    today = timezone.localtime(clock.now()).date()
    last = today.replace(day=1) - dt.timedelta(days=1)
    periods = [last.strftime("%Y-%m")]
    if today.month in (1, 4, 7, 10):
        periods.append(f"{last.year}-Q{(last.month - 1) // 3 + 1}")
    made = mailed = 0
    for period in periods:
        for department in [
            None,
            *Department.objects.order_by("code").values_list("code", flat=True),
        ]:
            report = review_generate(actor=None, period=period, department=department)
            made += 1
            mailed += review_mail_safely(actor=None, report=report)["mailed"]
    return {"reports": made, "mailed": mailed}


insights_review_reports = db_periodic_task(
    crontab(minute="30", hour="6", day="1"), name="insights.review_reports"
)(review_reports)
