"""Daily privacy jobs, run by the worker: overdue privacy requests, re-verification."""

from __future__ import annotations

from collections import Counter
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.logging import get_logger
from caseledger.core.tasks import job

log = get_logger("caseledger.privacy")


@job("privacy.overdue")
def overdue() -> dict[str, Any]:
    from caseledger.privacy.queries import overdue_requests

    found = [
        {"id": r.pk, "kind": r.kind, "customer": r.customer_id, "due_on": r.due_on.isoformat()}
        for r in overdue_requests()
    ]
    if found:
        # Ids and dates only: no names of data subjects in the log.
        log.warning("privacy.requests_overdue", count=len(found), requests=found)
    return {"overdue": len(found), "requests": found}


@job("privacy.reverify")
def reverify() -> dict[str, Any]:
    from caseledger.privacy.queries import reverification_worklist

    per_department = Counter(
        reverification_worklist(actor=None).values_list("customer__department__code", flat=True)
    )
    if per_department:
        log.info("privacy.reverify_due", departments=dict(per_department))
    return {"departments": dict(sorted(per_department.items()))}


privacy_overdue = db_periodic_task(crontab(minute="15", hour="1"), name="privacy.overdue")(overdue)
privacy_reverify = db_periodic_task(crontab(minute="30", hour="1"), name="privacy.reverify")(
    reverify
)


@job("privacy.quality_sample")
def quality_sample() -> dict[str, Any]:
    """This month's data-quality sample for every department. Daily and idempotent, so a
    worker that was down on the 1st still draws the month's sample when it comes back."""
    from caseledger.privacy.services import quality_sample_draw

    samples = quality_sample_draw(actor=None)
    return {"month": samples[0].month.isoformat() if samples else None, "samples": len(samples)}


privacy_quality_sample = db_periodic_task(
    crontab(minute="45", hour="1"), name="privacy.quality_sample"
)(quality_sample)
