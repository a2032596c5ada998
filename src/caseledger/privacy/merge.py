"""Privacy's part in a customer merge (customers.services.customer_merge calls it through
the hook registered in apps.py: customers stands below privacy, ADR 0010). Consents move
with their customer, one `privacy.consent_merge` (or `_unmerge`) entry each; changes still
waiting for review stop the merge."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.core.errors import Conflict
from caseledger.core.state import model_state
from caseledger.journal.services import record_change
from caseledger.privacy.actions import PrivacyAction
from caseledger.privacy.models import ChangeStatus, Consent, PendingChange


class ConsentMergePart:
    """customers.services.MergePart for consents."""

    name = "consents"

    @staticmethod
    def refuse(merged: Any) -> None:
        pending = PendingChange.objects.filter(customer=merged, status=ChangeStatus.PENDING)
        if pending.exists():
            raise Conflict(
                _(
                    "customer %(merged_id)s has changes waiting for review (%(changes)s); confirm or reject them first"
                )
                % {
                    "merged_id": merged.pk,
                    "changes": ", ".join(str(p) for p in pending.values_list("pk", flat=True)),
                },
                field="merged",
                code="pending_changes",
            )

    @staticmethod
    def lock(actor: Any, customer: Any, ids: list[int] | None) -> Any:
        """The consents to move, as a query: they are locked when they move."""
        query = Consent.objects.filter(customer=customer)
        if ids is not None:
            query = query.filter(pk__in=ids)
        return query.values("pk")

    @staticmethod
    def move(actor: Any, rows: Any, to: Any, *, undo: bool, reason: str) -> list[int]:
        action = PrivacyAction.CONSENT_UNMERGE if undo else PrivacyAction.CONSENT_MERGE
        moved = []
        for consent in Consent.objects.select_for_update().filter(pk__in=rows).order_by("pk"):
            before = model_state(consent)
            consent.customer = to
            consent.save(update_fields=["customer"])
            after = model_state(consent)
            record_change(
                actor=actor,
                action=action,
                object_type="consent",
                object_id=str(consent.pk),
                root=f"customer:{to.pk}",
                after=after,
                before=before,
                reason=reason,
            )
            moved.append(consent.pk)
        return moved
