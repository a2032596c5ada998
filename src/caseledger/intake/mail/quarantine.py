"""Taking a quarantined message through again, once its cause is fixed (a hold released,
a restriction lifted, a mailbox's intake user given the right department).

The stored bytes go through `mail_receive` as if just received. If it is recorded (or
found already recorded), the quarantine row is marked resolved, by whom and with what
outcome; if it is refused again, the row keeps the new reason. Either way it is journaled,
and the row itself is never deleted.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases import storage
from caseledger.cases.models import Channel
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import model_state
from caseledger.intake.actions import IntakeAction
from caseledger.intake.mail.receive import Received, mail_receive
from caseledger.intake.models import QuarantinedMessage
from caseledger.journal.services import record_change, write_transaction


def quarantine_retry(*, actor: User, message: QuarantinedMessage) -> Received:
    require(actor, Perm.CASE_MODIFY, message.department_id)
    if message.resolved_at is not None:
        raise Conflict(
            _("this message was already resolved: %(how)s") % {"how": message.resolution},
            field="message",
            code="resolved",
        )
    if not message.stored:
        raise ValidationFailed(
            _("the message was empty: there is nothing to retry"), field="message"
        )
    with storage.open_file(message.raw_sha256) as fh:
        raw = fh.read()
    mailbox = message.mailbox
    result = mail_receive(
        actor=mailbox.intake_user, mailbox=mailbox, raw=raw, source=message.source, retry=True
    )
    with write_transaction():
        row = QuarantinedMessage.objects.select_for_update().get(pk=message.pk)
        before = model_state(row)
        if result.outcome == "quarantined":
            row.reason = result.reason
            action = IntakeAction.MAIL_QUARANTINE_RETRY
        else:
            row.resolved_at, row.resolved_by = clock.now(), actor
            case = f" {result.case.reference}" if result.case else ""
            row.resolution = f"{result.outcome}{case}"[:200]
            action = IntakeAction.MAIL_QUARANTINE_RESOLVE
        row.save()
        record_change(
            actor=actor,
            action=action,
            object_type="quarantined_message",
            object_id=row.pk,
            before=before,
            after=model_state(row),
            reason=result.reason[:2000],
            extra={"channel": Channel.EMAIL, "source": row.source, "mailbox": mailbox.name},
        )
    return result
