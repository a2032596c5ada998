"""Offboarding: deactivating a person moves every open item they own to a successor or to
the department queue, revokes their tokens and ends their sessions, in one transaction.

Why this is careful: work left on a deactivated person is work nobody sees (the queues
offer only active people), so a complaint could miss its statutory deadline unnoticed.
Everything moves, or nothing does; each moved item gets its own journal entry saying from
whom to whom, and /healthz counts what is still owned by inactive people (must be 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.models import Session
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, require
from caseledger.accounts.models import ApiToken, User
from caseledger.accounts.permissions import Perm
from caseledger.accounts.services import ensure_not_last_admin, token_state, user_state
from caseledger.cases.models import Case
from caseledger.cases.services import case_set_fields
from caseledger.core import clock, hooks
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction
from caseledger.privacy.models import PrivacyRequest
from caseledger.retention.models import Reminder
from caseledger.retention.services import hold_state
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.assign.absences import absent_refusal
from caseledger.workflow.queries import owned_by

# Higher or neighbouring apps hand over what else a leaver owns (search: saved searches),
# registered at start-up (ADR 0010); each part is called with actor, user, successor and
# note inside the deactivation's transaction and returns the items it moved.
OFFBOARDING_PARTS = "workflow.offboarding_parts"


@dataclass
class Offboarding:
    user: User
    successor: User | None
    moved: list[dict[str, Any]] = field(default_factory=list)  # kind, id, to (None: queue)
    tokens_revoked: int = 0
    sessions_ended: int = 0

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for item in self.moved:
            where = "successor" if item["to"] else "queue"
            out.setdefault(item["kind"], {"successor": 0, "queue": 0})[where] += 1
        return out


def _journal(actor, action: str, obj: Any, object_type: str, before: dict, reason: str, root=""):
    after = model_state(obj)
    record_change(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(obj.pk),
        root=root,
        after=after,
        before=before,
        reason=reason,
    )


def _check_successor(user: User, successor: User | None, c: Collector) -> None:
    if successor is None:
        return
    if successor.pk == user.pk:
        c.add("successor", _("a person cannot succeed themselves"), "same_user")
    elif not successor.is_active:
        c.add(
            "successor",
            _("%(who)s is deactivated") % {"who": successor.username},
            "inactive",
        )
    elif (away := absent_refusal(successor, successor.department_id or 0)) is not None:
        c.add("successor", away, "absent")  # their new work would wait unseen


def _refusals(items: dict, successor: User | None) -> list[str]:
    """Items that cannot fall back to a queue: a hold needs an owner who may manage holds, a
    disposition proposal a proposer who may propose and who is not its approver."""
    problems = []
    holds = [h.pk for h in items["hold"]]
    if holds and (successor is None or not can(successor, Perm.HOLD_MANAGE)):
        problems.append(
            _("legal hold(s) %(ids)s need a successor who may manage holds")
            % {"ids": ", ".join(map(str, holds))}
        )
    batches = list(items["disposition_batch"])
    if batches and (successor is None or not can(successor, Perm.DISPOSITION_PROPOSE)):
        problems.append(
            _("disposition proposal(s) %(ids)s need a successor who may propose dispositions")
            % {"ids": ", ".join(str(b.pk) for b in batches)}
        )
    elif successor is not None:
        own = [b.pk for b in batches if b.approved_by_id == successor.pk]
        if own:
            problems.append(
                _("%(who)s approved disposition batch(es) %(ids)s and cannot also propose them")
                % {"who": successor.username, "ids": ", ".join(map(str, own))}
            )
    return problems


def user_deactivate(
    *, actor: User | None, user: User, reason: str, successor: User | None = None
) -> Offboarding:
    """Deactivate user: open cases and privacy requests go to the successor where the
    successor may work them, else to the department queue (no assignee); legal holds and
    disposition proposals go to the successor (refused when they may not take them);
    unread reminders go to the successor or are dismissed; tokens revoked; sessions ended."""
    if actor is not None:
        require(actor, Perm.USER_MANAGE)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    if successor is not None:  # as it is now, not as the caller last saw it
        successor = User.objects.get(pk=successor.pk)
    _check_successor(user, successor, c)
    c.raise_if_any()
    note = f"offboarding of {user.username}: {why}"  # the journal's words, not the UI's
    result = Offboarding(user=user, successor=successor)
    now = clock.now()
    with write_transaction():
        user = result.user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise Conflict(
                _("%(who)s is already deactivated") % {"who": user.username}, field="user"
            )
        ensure_not_last_admin(user, "user")
        items = {kind: list(qs.select_for_update()) for kind, qs in owned_by(user).items()}
        problems = _refusals(items, successor)
        if problems:
            raise ValidationFailed("; ".join(problems), field="successor", code="needs_successor")
        _move_cases(actor, items["case"], successor, note, now, result)
        _move_requests(actor, items["privacy_request"], successor, note, result)
        if successor is not None:  # without one, _refusals refused holds and proposals
            _take_owned(actor, items, successor, note, result)
        _move_reminders(actor, items["reminder"], successor, note, now, result)
        for part in hooks.all_of(OFFBOARDING_PARTS):
            result.moved.extend(part(actor=actor, user=user, successor=successor, note=note))
        result.tokens_revoked = _revoke_tokens(actor, user, note, now)
        before = user_state(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        after = user_state(user)
        record_change(
            actor=actor,
            action=WorkflowAction.USER_DEACTIVATE,
            object_type="user",
            object_id=str(user.pk),
            after=after,
            before=before,
            reason=why,
            extra={
                "successor": successor.username if successor else None,
                "moved": result.counts(),
                "tokens_revoked": result.tokens_revoked,
            },
        )
        result.sessions_ended = _end_sessions(user)
    return result


def _take_owned(actor, items: dict, successor: User, note: str, result: Offboarding) -> None:
    for hold in items["hold"]:
        # The hold's whole state, cases and customers held included, as retention journals
        # it: `journal verify --records` compares a hold's row with its newest entry.
        before = hold_state(hold)
        hold.owner = successor
        hold.save(update_fields=["owner"])
        record_change(
            actor=actor,
            action=WorkflowAction.HOLD_REASSIGN,
            object_type="legal_hold",
            object_id=str(hold.pk),
            after=hold_state(hold),
            before=before,
            reason=note,
        )
        result.moved.append({"kind": "hold", "id": hold.pk, "to": successor.pk})
    for batch in items["disposition_batch"]:
        before = model_state(batch)
        batch.proposed_by = successor
        batch.save(update_fields=["proposed_by"])
        _journal(
            actor, WorkflowAction.DISPOSITION_REASSIGN, batch, "disposition_batch", before, note
        )
        result.moved.append({"kind": "disposition_batch", "id": batch.pk, "to": successor.pk})


def _move_cases(actor, cases: list[Case], successor, note: str, now, result: Offboarding):
    for case in cases:
        to = (
            successor
            if successor and can(successor, Perm.CASE_MODIFY, case.department_id)
            else None
        )
        case_set_fields(
            case,
            actor=actor,
            fields={"assignee": to},
            action=WorkflowAction.CASE_REASSIGN,
            reason=note,
            at=now,
        )
        result.moved.append({"kind": "case", "id": case.pk, "to": to.pk if to else None})


def _move_requests(actor, requests: list[PrivacyRequest], successor, note: str, result):
    for request in requests:
        dept = request.customer.department_id
        to = successor if successor and can(successor, Perm.CUSTOMER_REVEAL, dept) else None
        before = model_state(request)
        request.handler = to
        request.save(update_fields=["handler"])
        _journal(
            actor, WorkflowAction.PRIVACY_REQUEST_REASSIGN, request, "privacy_request", before, note
        )
        result.moved.append({"kind": "privacy_request", "id": request.pk, "to": to and to.pk})


def _move_reminders(actor, reminders: list[Reminder], successor, note: str, now, result):
    for reminder in reminders:
        before = model_state(reminder)
        taken = successor is not None and (
            can(successor, Perm.RETENTION_VIEW)
            and not Reminder.objects.filter(
                recipient=successor,
                record_type=reminder.record_type,
                record_id=reminder.record_id,
                due_on=reminder.due_on,
            ).exists()
        )
        if taken:
            reminder.recipient = successor
            reminder.save(update_fields=["recipient"])
        else:  # nobody to tell (or they have it already): the daily job tells who is left
            reminder.read_at = now
            reminder.save(update_fields=["read_at"])
        _journal(actor, WorkflowAction.REMINDER_REASSIGN, reminder, "reminder", before, note)
        to = successor.pk if taken and successor else None
        result.moved.append({"kind": "reminder", "id": reminder.pk, "to": to})


def _revoke_tokens(actor, user: User, note: str, now) -> int:
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_for_update())
    for token in tokens:
        before = token_state(token)
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        after = token_state(token)
        record_change(
            actor=actor,
            action=WorkflowAction.TOKEN_REVOKE,
            object_type="token",
            object_id=str(token.pk),
            after=after,
            before=before,
            reason=note,
        )
    return len(tokens)


def _end_sessions(user: User) -> int:
    """Delete the user's logged-in sessions (an inactive user is refused anyway; this also
    frees them). Sessions are few: a scan of the live ones is cheap."""
    ended = 0
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended
