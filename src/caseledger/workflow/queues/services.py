"""Taking a case from the department queue and reassigning it, each journaled with the
case's full state. Only active people who may work the case's department can hold it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from caseledger.accounts.access import can, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, Status
from caseledger.cases.services import case_set_fields, ensure_not_archived
from caseledger.core.errors import Conflict
from caseledger.core.validate import Collector
from caseledger.holds.restriction import ensure_not_restricted
from caseledger.journal.services import write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.assign.absences import absent_refusal


def _assign(actor: User, case: Case, to: User | None, action: str, reason: str) -> Case:
    return case_set_fields(case, actor=actor, fields={"assignee": to}, action=action, reason=reason)


def _holder(case: Case) -> str:
    return case.assignee.username if case.assignee else "—"


def _workable(case: Case) -> None:
    if case.status == Status.CLOSED:
        raise Conflict(_("case %(ref)s is closed") % {"ref": case.reference}, field="case")
    ensure_not_restricted(case=case)  # restricted records are out of every work queue
    ensure_not_archived(case)


def case_take(*, actor: User, case: Case) -> Case:
    """Assign to me: take an unassigned case of a department the actor works in."""
    require(actor, Perm.CASE_MODIFY, case.department_id)
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _workable(case)
        if case.assignee_id == actor.pk:
            raise Conflict(_("you already hold %(ref)s") % {"ref": case.reference}, field="case")
        if case.assignee_id is not None:
            raise Conflict(
                _("%(ref)s is already assigned to %(who)s; ask a supervisor to reassign it")
                % {"ref": case.reference, "who": _holder(case)},
                field="case",
                code="taken",
            )
        return _assign(actor, case, actor, WorkflowAction.CASE_TAKE, "")


def case_reassign(*, actor: User, case: Case, assignee: User | None, reason: str) -> Case:
    """Give a case to someone who may work it (active, present), or back to the queue
    (assignee None), with a reason. A supervisor of the department may move anyone's case; an agent only their
    own (handing it on or back to the queue)."""
    require(actor, Perm.CASE_MODIFY, case.department_id)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    if assignee is not None:
        assignee = User.objects.get(pk=assignee.pk)
        if not assignee.is_active:
            c.add("assignee", _("%(who)s is deactivated") % {"who": assignee.username}, "inactive")
        elif (away := absent_refusal(assignee, case.department_id)) is not None:
            c.add("assignee", away, "absent")
        elif not can(assignee, Perm.CASE_MODIFY, case.department_id):
            c.add(
                "assignee",
                _("%(who)s cannot work cases of this department") % {"who": assignee.username},
                "not_allowed",
            )
    c.raise_if_any()
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _workable(case)
        supervises = can(actor, Perm.CASE_APPROVE, case.department_id)
        if not supervises and case.assignee_id not in (None, actor.pk):
            raise Conflict(
                _("only a supervisor can move a case held by %(who)s") % {"who": _holder(case)},
                field="case",
                code="not_yours",
            )
        if case.assignee_id == (assignee.pk if assignee else None):
            raise Conflict(_("nothing to change"), field="assignee")
        return _assign(actor, case, assignee, WorkflowAction.CASE_REASSIGN, why)
