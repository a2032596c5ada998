"""The worker's classify jobs: a weekly training run, an hourly one when the model in use
was retired (an erasure) or learned from a case restricted since, and each minute the
round that applies suggestions where an administrator turned that on."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caseledger.core.tasks import job


@job("classify.train")
def train_weekly() -> dict[str, Any]:
    from caseledger.classify.services import classify_train
    from caseledger.core.errors import Conflict

    try:
        row = classify_train(actor=None)
    except Conflict as exc:  # too few labelled cases yet: nothing to train, not a failure
        return {"trained": False, "reason": exc.code}
    return {"trained": True, "model": row.pk, "cases": row.cases, "accuracy": row.accuracy}


@job("classify.refresh")
def refresh() -> dict[str, Any]:
    from caseledger.classify.queries import needs_training

    reason = needs_training()
    if not reason:
        return {"trained": False}
    return {**train_weekly(), "why": reason}


@job("classify.auto_apply")
def auto_apply() -> dict[str, Any]:
    from caseledger.classify.services import auto_apply_new_cases

    return auto_apply_new_cases(actor=None)


@job("classify.train_requested")
def train_requested(user_id: int) -> dict[str, Any]:
    """An administrator's "Train now" on the web: the training runs here, not in the
    request (at 200k cases it takes minutes)."""
    from caseledger.accounts.models import User
    from caseledger.classify.services import classify_train

    row = classify_train(actor=User.objects.get(pk=user_id))
    return {"trained": True, "model": row.pk, "cases": row.cases, "accuracy": row.accuracy}


classify_train_task = db_task(name="classify.train_requested", retries=0)(train_requested)
classify_train_weekly = db_periodic_task(
    crontab(day_of_week="0", hour="3", minute="41"), name="classify.train"
)(train_weekly)
classify_refresh = db_periodic_task(crontab(minute="23"), name="classify.refresh")(refresh)
classify_auto_apply = db_periodic_task(crontab(minute="*"), name="classify.auto_apply")(auto_apply)
