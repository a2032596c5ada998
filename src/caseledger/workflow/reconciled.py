"""What `journal verify --records` compares for the working process
(journal/reconcile_kinds.py): who sees a customer's phone or e-mail in full (field
visibility) and the assignment rules, each as its service journals it. A role given full
phone numbers, or a rule sending a department's new cases to someone, straight in the
database is named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from caseledger.core.state import model_state
from caseledger.journal.reconcile_kinds import Kind
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.models import AssignmentRule, FieldVisibility

# Both services journal the row without its updated_at (a save stamps it).
_STAMP = ("updated_at",)


def _visibility() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for row in FieldVisibility.objects.order_by("pk"):
        yield str(row.pk), f"{row.role} {row.field}", model_state(row, exclude=_STAMP)


def _rules() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for rule in AssignmentRule.objects.order_by("pk"):
        yield str(rule.pk), rule.name, model_state(rule, exclude=_STAMP)


def kinds() -> list[Kind]:
    return [
        Kind("field_visibility", _visibility),
        Kind(
            "assignment_rule",
            _rules,
            removed=(WorkflowAction.ASSIGN_RULE_REMOVE.value,),
        ),
    ]
