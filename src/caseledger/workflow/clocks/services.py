"""Writes that move clocks, each journaled: waiting for the customer and resuming, a
statutory extension (approver and notice), SLA policies, adopting statutory rules, and the
sweep that warns and escalates (assignee → supervisor → compliance), each step once."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, Priority, Severity, Status
from caseledger.core import clock as core_clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.clocks.compute import Clock, replay
from caseledger.workflow.clocks.presets import STATUTORY_PRESETS
from caseledger.workflow.clocks.queries import refresh, rules_for
from caseledger.workflow.clocks.sweep import clock_sweep
from caseledger.workflow.models import ClockAlert, SlaPolicy, StatutoryRule

__all__ = ["clock_sweep"]  # the sweep lives in clocks.sweep; callers know it from here

WAIT_KINDS = ("customer", "appraisal")


def _clock_entry(actor, case: Case, action: str, state: dict, reason: str = "") -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="case_clock",
        object_id=str(case.pk),
        root=f"case:{case.pk}",
        after=state,
        changes={},
        reason=reason,
    )


def _events(case: Case):
    from caseledger.journal.queries import history

    return replay(history(f"case:{case.pk}"))


def case_wait(*, actor: User, case: Case, reason: str, kind: str = "customer") -> list[Clock]:
    """Stop the clocks while waiting for the customer (`appraisal`: outside appraisal or
    testing, which also stops statutory deadlines). A customer's reply resumes them."""
    require(actor, Perm.CASE_MODIFY, case.department_id)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    c.choice({"kind": kind}, "kind", list(WAIT_KINDS), required=True)
    c.raise_if_any()
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status == Status.CLOSED:
            raise Conflict(_("case %(ref)s is closed") % {"ref": case.reference}, field="case")
        if _events(case).open_wait:
            raise Conflict(
                _("the clocks of %(ref)s are already paused") % {"ref": case.reference},
                field="case",
            )
        _clock_entry(actor, case, WorkflowAction.CLOCK_PAUSE, {"kind": kind}, why)
    return refresh(case.pk)


def case_resume(*, actor: User, case: Case, reason: str = "") -> list[Clock]:
    require(actor, Perm.CASE_MODIFY, case.department_id)
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not _events(case).open_wait:
            raise Conflict(
                _("the clocks of %(ref)s are not paused") % {"ref": case.reference},
                field="case",
            )
        _clock_entry(actor, case, WorkflowAction.CLOCK_RESUME, {}, reason)
    return refresh(case.pk)


def case_deadline_extend(
    *, actor: User, case: Case, rule: str, reason: str, notice: str
) -> list[Clock]:
    """Take the next extension step of a statutory rule: approved by a supervisor (or
    compliance), with the reason and the notice sent to the complainant."""
    require(actor, Perm.CASE_APPROVE, case.department_id)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    told = c.text({"notice": notice}, "notice", required=True, max_length=5000) or ""
    c.raise_if_any()
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        events = _events(case)
        found = [r for r in rules_for(events.state) if r.code == rule]
        if not found:
            raise ValidationFailed(
                _("no statutory rule %(rule)s applies to %(ref)s")
                % {"rule": rule, "ref": case.reference},
                field="rule",
            )
        taken = events.extensions.get(rule, 0)
        if taken >= len(found[0].extensions):
            raise Conflict(_("%(rule)s allows no further extension") % {"rule": rule}, field="rule")
        days = found[0].extensions[taken]
        state = {"rule": rule, "step": taken + 1, "days": days, "notice": told}
        _clock_entry(actor, case, WorkflowAction.CLOCK_EXTEND, state, why)
    return refresh(case.pk)


def sla_policy_set(*, actor: User | None, data: dict[str, Any]) -> SlaPolicy:
    """Add an SLA policy (working minutes to first response, between updates the customer
    sees (optional: the priority's default) and to resolution)."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    c = Collector()
    c.unknown(
        data,
        (
            "name",
            "department",
            "kind",
            "priority",
            "severity",
            "first_response_minutes",
            "resolution_minutes",
            "next_update_minutes",
        ),
    )
    name = c.text(data, "name", required=True, max_length=120) or ""
    priority = c.choice(data, "priority", Priority.values) or ""
    severity = c.choice(data, "severity", Severity.values) or ""
    first = c.integer(data, "first_response_minutes", minimum=1, maximum=10**6)
    resolution = c.integer(data, "resolution_minutes", minimum=1, maximum=10**7)
    next_update = c.integer(data, "next_update_minutes", minimum=1, maximum=10**6)
    if first is None:
        c.add("first_response_minutes", _("is required"), "required")
    if resolution is None:
        c.add("resolution_minutes", _("is required"), "required")
    c.raise_if_any()
    with write_transaction():
        policy = SlaPolicy.objects.create(
            name=name,
            department=data.get("department"),
            kind=data.get("kind") or "",
            priority=priority,
            severity=severity,
            first_response_minutes=first or 0,
            resolution_minutes=resolution or 0,
            next_update_minutes=next_update,
            updated_at=core_clock.now(),
        )
        state = model_state(policy, exclude=("updated_at",))
        record_change(
            actor=actor,
            action=WorkflowAction.SLA_POLICY_CREATE,
            object_type="sla_policy",
            object_id=str(policy.pk),
            after=state,
            before=None,
        )
    return policy


def preset_row_save(
    *,
    actor: User | None,
    row: Any,
    before: dict[str, Any] | None,
    action: str,
    object_type: str,
    reason: str,
) -> bool:
    """Save and journal a row an adoption has set from a preset (a statutory rule, an
    industry's SLA policy), unless its fields are still those of `before` (its state before
    the preset was applied; None for a new row): adopting again changes nothing. Runs inside
    the adopting service's write_transaction(); True when it saved."""
    fields = model_state(row, exclude=("updated_at", "id"))
    if before is not None and {k: before[k] for k in fields} == fields:
        return False
    row.updated_at = core_clock.now()
    row.save()
    record_change(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(row.pk),
        after=model_state(row, exclude=("updated_at",)),
        before=before,
        reason=reason,
    )
    return True


def statutory_rules_adopt(
    *, actor: User | None, industry: str, department: Department
) -> list[StatutoryRule]:
    """Adopt an industry's statutory deadlines for a department; idempotent."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    if industry not in STATUTORY_PRESETS:
        raise ValidationFailed(
            _("no statutory deadlines for %(industry)s; known: %(known)s")
            % {"industry": industry, "known": ", ".join(STATUTORY_PRESETS)},
            field="industry",
            code="invalid_choice",
        )
    adopted, changed = [], 0
    with write_transaction():
        for preset in STATUTORY_PRESETS[industry]:
            row = StatutoryRule.objects.filter(department=department, code=preset["code"]).first()
            before = model_state(row, exclude=("updated_at",)) if row else None
            row = row or StatutoryRule(department=department, code=preset["code"])
            for key, value in preset.items():
                setattr(row, key, value)
            changed += preset_row_save(
                actor=actor,
                row=row,
                before=before,
                action=WorkflowAction.STATUTORY_ADOPT,
                object_type="statutory_rule",
                reason=f"adopt {industry}",
            )
            adopted.append(row)
        if not changed:  # still a recorded act: who adopted what, when
            record_change(
                actor=actor,
                action=WorkflowAction.STATUTORY_ADOPT_RUN,
                object_type="department",
                object_id=str(department.pk),
                after={"industry": industry, "rules": [r.code for r in adopted]},
            )
    return adopted


def clock_alerts_read(*, actor: User, alert_ids: list[int] | None = None) -> int:
    """Mark the actor's own clock notices read (all of them when no ids are given)."""
    qs = ClockAlert.objects.filter(recipient=actor, read_at__isnull=True)
    if alert_ids is not None:
        qs = qs.filter(pk__in=[int(i) for i in alert_ids])
    with write_transaction():
        marked = list(qs.values_list("pk", flat=True))
        n = ClockAlert.objects.filter(pk__in=marked).update(read_at=core_clock.now())
        record_change(
            actor=actor,
            action=WorkflowAction.CLOCK_ALERTS_READ,
            object_type="user",
            object_id=str(actor.pk),
            after=None,
            extra={"alerts": marked},
        )
    return n
