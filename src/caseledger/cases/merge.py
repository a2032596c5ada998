"""Cases' part in a customer merge (customers.services.customer_merge calls it through the
hook registered in apps.py: customers stands below cases, ADR 0010). The cases move with
their customer, one `case.customer_merge` (or `_unmerge`) entry each."""

from __future__ import annotations

from typing import Any

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.cases.actions import CaseAction
from caseledger.cases.models import Case
from caseledger.cases.services import case_set_fields
from caseledger.holds.guards import ensure_not_held, held_case_ids


class CaseMergePart:
    """customers.services.MergePart for cases."""

    name = "cases"

    @staticmethod
    def refuse(merged: Any) -> None:
        """Nothing about a customer's cases stops a merge before they are locked."""

    @staticmethod
    def lock(actor: Any, customer: Any, ids: list[int] | None) -> list[Case]:
        """The customer's cases (only `ids` when given), locked; refused (Held, naming the
        matter) if a legal hold covers any, and unless the actor may modify cases in every
        department they sit in."""
        query = Case.objects.filter(customer=customer)
        if ids is not None:
            query = query.filter(pk__in=ids)
        cases = list(
            Case.objects.select_for_update().filter(pk__in=query.values("pk")).order_by("pk")
        )
        for department_id in sorted({c.department_id for c in cases}):
            require(actor, Perm.CASE_MODIFY, department_id)
        held = held_case_ids([c.pk for c in cases])
        for case in cases:
            if case.pk in held:
                ensure_not_held(case=case)
        return cases

    @staticmethod
    def move(actor: Any, rows: list[Case], to: Any, *, undo: bool, reason: str) -> list[int]:
        action = CaseAction.CUSTOMER_UNMERGE if undo else CaseAction.CUSTOMER_MERGE
        at = None
        for case in rows:
            at = case_set_fields(
                case, actor=actor, fields={"customer": to}, action=action, reason=reason, at=at
            ).updated_at
        return [c.pk for c in rows]
