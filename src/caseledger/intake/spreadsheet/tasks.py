"""The worker job that runs an import (a dry run, or the import itself) for the web and
API, which answer at once and let the client follow the batch's status."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from caseledger.core.tasks import job


@job("intake.import")
def import_run(batch_id: int, actor_id: int, commit: bool) -> dict[str, Any]:
    """Safe to run twice: a commit resumes after the batch's high-water mark, and a batch
    that is no longer checked or running is left alone."""
    from caseledger.accounts.models import User
    from caseledger.core.errors import ValidationFailed
    from caseledger.intake.spreadsheet.models import BatchStatus, ImportBatch
    from caseledger.intake.spreadsheet.services import batch_check, batch_commit, batch_fail

    batch = ImportBatch.objects.get(pk=batch_id)
    actor = User.objects.get(pk=actor_id)
    if batch.status not in (BatchStatus.CHECKED, BatchStatus.RUNNING):
        return {"skipped": batch.status}
    try:
        if commit:
            batch = batch_commit(actor=actor, batch=batch)
        elif batch.status == BatchStatus.CHECKED:
            batch = batch_check(actor=actor, batch=batch)
    except ValidationFailed as exc:  # the file is unreadable past its header
        batch = batch_fail(actor=actor, batch=batch, error=exc)
    return {"batch": batch.pk, "status": batch.status, "bad": batch.rows_bad}


import_task = db_task(name="intake.import_run", retries=2, retry_delay=10)(import_run)
