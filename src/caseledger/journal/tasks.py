"""The signed journal checkpoint, every JOURNAL_CHECKPOINT_MINUTES, run by the worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core import clock
from caseledger.core.tasks import job

# Two consumers on one queue both fire the same tick; a checkpoint of an unchanged head
# signed this recently adds nothing, so the second run skips.
_FRESH = dt.timedelta(seconds=50)


def _schedule(minutes: int) -> crontab:
    if minutes < 1:
        raise ValueError("CASELEDGER_CHECKPOINT_MINUTES must be at least 1")
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute="0", hour=f"*/{max(1, minutes // 60)}")


@job("journal.checkpoint")
def checkpoint() -> dict[str, Any]:
    from caseledger.journal import checkpoints
    from caseledger.journal.models import ChainHead
    from caseledger.journal.services import checkpoint_create

    head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    last = checkpoints.read_log().checkpoints[-1:]
    if head and last and (last[0].seq, last[0].hash) == head:
        signed_at = dt.datetime.fromisoformat(last[0].at.replace("Z", "+00:00"))
        if clock.now() - signed_at < _FRESH:
            return {"skipped": "head already checkpointed", "seq": last[0].seq}
    signed = checkpoint_create(actor=None)
    return {"seq": signed.seq, "hash": signed.hash}


journal_checkpoint = db_periodic_task(
    _schedule(settings.JOURNAL_CHECKPOINT_MINUTES),
    name="journal.checkpoint",
    retries=2,
    retry_delay=30,
)(checkpoint)


@job("journal.reconcile")
def reconcile_records() -> dict[str, Any]:
    """Every case and customer against its state rebuilt from the journal. A drift fails the
    job (its heartbeat shows ok=false, and huey logs it), naming the first rows."""
    from caseledger.journal.reconcile import reconcile

    report = reconcile(max_drifts=20)
    if not report.ok:
        raise RecordsDrifted(report.total_drifts, [str(d) for d in report.drifts])
    return {"checked": report.checked}


class RecordsDrifted(Exception):
    def __init__(self, total: int, first: list[str]) -> None:
        super().__init__(f"{total} record(s) differ from the journal: {'; '.join(first)}")
        self.total = total
        self.first = first


journal_reconcile = db_periodic_task(
    crontab(minute="23", hour=f"*/{max(1, settings.JOURNAL_RECONCILE_HOURS)}"),
    name="journal.reconcile",
)(reconcile_records)
