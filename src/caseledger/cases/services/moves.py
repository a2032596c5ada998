"""Status moves as services with their guards (cases.process), and the two-person rule of a
move the step's rule says waits for approval (closing a high-severity banking complaint):
the request records what was asked (status, fields, reason); a second person who may
approve in the department (a supervisor of it, or compliance) approves, and the move is
made then with the same guards, or rejects it with a reason. The pattern of disposition's
approval (disposition.services.common.require_reviewer)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.actions import CaseAction
from caseledger.cases.models import ApprovalStatus, Case, Status, StepApproval
from caseledger.cases.process import needs_approval, status_word
from caseledger.cases.services.records import (
    case_changes_clean,
    check_move,
    ensure_not_archived,
    update_case,
)
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.core.state import model_state
from caseledger.holds.guards import ensure_not_held
from caseledger.holds.restriction import ensure_not_restricted
from caseledger.journal.services import record_change, write_transaction

MOVE_FIELDS = ("resolution", "root_cause", "satisfaction", "severity", "subcategory")


@dataclass(frozen=True)
class Moved:
    """A move's outcome: the case, moved; or the approval it waits for."""

    case: Case
    approval: StepApproval | None = None

    @property
    def waiting(self) -> bool:
        return self.approval is not None


def _journal_approval(actor, row: StepApproval, action: str, before, reason: str) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="step_approval",
        object_id=row.pk,
        root=f"case:{row.case_id}",
        after=model_state(row),
        before=before,
        reason=reason,
    )


def pending_approval(case: Case) -> StepApproval | None:
    return case.approvals.filter(status=ApprovalStatus.PENDING).first()


def case_move(
    *,
    actor: User,
    case: Case,
    status: str,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Moved:
    """Move a case into `status` with the fields the step needs (`data`: resolution, root
    cause …), or, where the step waits for a second person, ask for that approval."""
    require(actor, Perm.CASE_MODIFY, case.department_id)
    fields = dict(data or {})
    bad = sorted(set(fields) - set(MOVE_FIELDS))
    if bad:
        raise ValidationFailed(
            _("is not a field that can be set here"), field=bad[0], code="unknown_field"
        )
    if status not in Status.values:
        raise ValidationFailed(
            _("%(value)r is not one of %(allowed)s")
            % {"value": status, "allowed": ", ".join(Status.values)},
            field="status",
            code="invalid_choice",
        )
    probe = Case.objects.get(pk=case.pk)
    for key, value in case_changes_clean(fields, actor=actor)[0].items():
        setattr(probe, key, value)
    if status == probe.status or not needs_approval(probe, status):
        moved = update_case(
            actor=actor, case=case, data={**fields, "status": status}, reason=reason,
            expected_version=expected_version,
        )  # fmt: skip
        return Moved(moved)
    return Moved(case, _request(actor, case, status, fields, reason, expected_version))


def _request(actor, case, status, fields, reason, expected_version) -> StepApproval:
    clean, c = case_changes_clean({**fields, "status": status}, actor=actor)
    c.raise_if_any()
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ensure_not_held(case=case)
        ensure_not_restricted(case=case)
        ensure_not_archived(case)
        if expected_version is not None and case.version != expected_version:
            raise Conflict(
                _("case %(ref)s was changed by someone else; reload and try again")
                % {"ref": case.reference},
                field="version",
            )
        if pending_approval(case) is not None:
            raise Conflict(
                _("case %(ref)s already waits for an approval; it is decided first")
                % {"ref": case.reference},
                field="status",
                code="pending_approval",
            )
        old = {"status": case.status, "category": case.category}
        for key, value in clean.items():
            setattr(case, key, value)
        check_move(case, old, c, reason=reason, approved=True)  # every guard but approval
        c.raise_if_any()
        row = StepApproval.objects.create(
            case=case, to_status=status, data=fields, reason=(reason or "").strip(),
            requested_by=actor, requested_at=clock.now(),
        )  # fmt: skip
        _journal_approval(actor, row, CaseAction.APPROVAL_REQUEST, None, row.reason)
    return row


def _require_second_person(actor: User, row: StepApproval) -> None:
    require(actor, Perm.CASE_APPROVE, row.case.department_id)
    if actor.pk == row.requested_by_id:
        raise PermissionDenied(
            _(
                "%(user)s asked for this move of %(ref)s; a second person must decide it: ask "
                "another approver (a supervisor of its department, or a compliance officer)"
            )
            % {"user": actor.get_username(), "ref": row.case.reference},
            code="same_person",
        )


def _lock_pending(row: StepApproval) -> StepApproval:
    row = StepApproval.objects.select_for_update().select_related("case").get(pk=row.pk)
    if row.status != ApprovalStatus.PENDING:
        raise Conflict(
            _("this request was already decided (%(status)s)")
            % {"status": row.get_status_display()},
            field="status",
            code="decided",
        )
    return row


def approval_approve(*, actor: User, approval: StepApproval, reason: str = "") -> Case:
    """The second person approves: the case moves as asked, journaled with both names."""
    _require_second_person(actor, approval)
    with write_transaction():
        row = _lock_pending(approval)
        before = model_state(row)
        why = (reason or "").strip() or row.reason
        case = update_case(
            actor=actor, case=row.case, data={**row.data, "status": row.to_status},
            reason=why, approved_by=actor,
        )  # fmt: skip
        row.status = ApprovalStatus.APPROVED
        row.decided_by, row.decided_at = actor, clock.now()
        row.decision_reason = (reason or "").strip()
        row.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        _journal_approval(actor, row, CaseAction.APPROVAL_APPROVE, before, row.decision_reason)
    return case


def approval_reject(*, actor: User, approval: StepApproval, reason: str) -> StepApproval:
    if not (reason or "").strip():
        raise ValidationFailed(_("a reason is required to reject"), field="reason", code="required")
    _require_second_person(actor, approval)
    with write_transaction():
        row = _lock_pending(approval)
        before = model_state(row)
        row.status = ApprovalStatus.REJECTED
        row.decided_by, row.decided_at = actor, clock.now()
        row.decision_reason = reason.strip()
        row.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        _journal_approval(actor, row, CaseAction.APPROVAL_REJECT, before, row.decision_reason)
    return row


def approval_word(row: StepApproval) -> str:
    return _("%(user)s asks to move it to %(status)s") % {
        "user": row.requested_by.get_username(),
        "status": status_word(row.to_status),
    }
