"""Reminders of deadlines: send those due, mark them read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.ids import is_id
from caseledger.journal.services import record_change, write_transaction
from caseledger.retention.actions import RetentionAction

# ---- reminders -----------------------------------------------------------------------------


def reminders_send(*, actor: User | None, on: dt.date | None = None) -> dict[str, int]:
    """Remind the owning department's supervisors and every records manager of records due
    within RETENTION_REMIND_DAYS: in the app and one email per person. Run it again and
    nothing new is sent (see retention.reminders)."""
    from caseledger.retention import reminders

    if actor is not None:
        require(actor, Perm.RETENTION_MANAGE)
    on = on or timezone.localdate(clock.now())
    with write_transaction():
        created = reminders.create_due(on)
        record_change(
            actor=actor,
            action=RetentionAction.REMINDERS,
            object_type="retention_reminders",
            object_id=on.isoformat(),
            after=None,
            extra={"created": created},
        )
    # Email after the commit: the rows say who was told; a failed send leaves them unsent,
    # and the next run retries exactly those.
    sent = reminders.email_unsent()
    return {"created": created, **sent}


def reminder_mark_read(*, actor: User, reminder_ids: Iterable[int | str] | None = None) -> int:
    """Mark the actor's own reminders read (all of them when no ids are given)."""
    from caseledger.retention.models import Reminder

    qs = Reminder.objects.filter(recipient=actor, read_at__isnull=True)
    if reminder_ids is not None:
        ids = [int(i) for i in reminder_ids if is_id(str(i))]
        qs = qs.filter(pk__in=ids)
    with write_transaction():
        marked = list(qs.values_list("pk", flat=True))
        n = Reminder.objects.filter(pk__in=marked).update(read_at=clock.now())
        record_change(
            actor=actor,
            action=RetentionAction.REMINDERS_READ,
            object_type="user",
            object_id=str(actor.pk),
            after=None,
            extra={"reminders": marked},
        )
    return n
