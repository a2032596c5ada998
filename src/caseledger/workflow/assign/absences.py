"""The absence calendar: a person (or an administrator) records days away, journaled; no
rule and no reassignment gives them a case while away."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.models import Absence

MAX_DAYS = 366


def _may_record(actor: User | None, user: User) -> None:
    if actor is not None and actor.pk != user.pk:  # None: the system (the CLI)
        require(actor, Perm.USER_MANAGE)


def _journal(actor: User | None, absence: Absence, action: str, before: Any, reason: str) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="absence",
        object_id=str(absence.pk),
        root=f"user:{absence.user_id}",
        before=before,
        after=model_state(absence),
        reason=reason,
    )


def absence_add(*, actor: User | None, user: User, data: dict[str, Any]) -> Absence:
    """Record that `user` is away from `starts_on` to `ends_on` (days included) and why.
    The person themself or an administrator."""
    _may_record(actor, user)
    c = Collector()
    c.unknown(data, ("starts_on", "ends_on", "reason"))
    start = c.day(data, "starts_on")
    end = c.day(data, "ends_on")
    reason = c.text(data, "reason", required=True, max_length=200) or ""
    for name, value in (("starts_on", start), ("ends_on", end)):
        if value is None and not any(e.field == name for e in c.errors):
            c.add(name, _("is required"), "required")
    if start and end and end < start:
        c.add("ends_on", _("is before the first day"), "before_start")
    elif start and end and (end - start).days >= MAX_DAYS:
        c.add("ends_on", _("an absence is at most %(n)d days") % {"n": MAX_DAYS}, "too_long")
    if not user.is_active:
        c.add("user", _("%(who)s is deactivated") % {"who": user.username}, "inactive")
    c.raise_if_any()
    assert start is not None and end is not None
    with write_transaction():
        absence = Absence.objects.create(
            user=user, starts_on=start, ends_on=end, reason=reason, created_at=clock.now()
        )
        _journal(actor, absence, WorkflowAction.ABSENCE_ADD, None, reason)
    return absence


def absence_cancel(*, actor: User | None, absence: Absence, reason: str = "") -> Absence:
    """Take back a recorded absence (the row stays, marked cancelled)."""
    _may_record(actor, absence.user)
    with write_transaction():
        absence = Absence.objects.select_for_update().get(pk=absence.pk)
        if absence.cancelled_at is not None:
            raise Conflict(_("this absence is already cancelled"), field="absence")
        before = model_state(absence)
        absence.cancelled_at = clock.now()
        absence.save(update_fields=["cancelled_at"])
        _journal(actor, absence, WorkflowAction.ABSENCE_CANCEL, before, reason)
    return absence


def absent_refusal(user: User, department_id: int) -> str | None:
    """cases.ASSIGNEE_CHECK: an absent person is given no case."""
    from caseledger.workflow.assign.queries import absence_of

    away = absence_of(user)
    if away is None:
        return None
    return _("%(who)s is absent until %(day)s") % {
        "who": user.username,
        "day": away.ends_on.isoformat(),
    }
