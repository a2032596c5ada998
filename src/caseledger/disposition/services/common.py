"""What every disposition write shares: the batch's journaled state, locks, hold checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.core.state import model_state
from caseledger.customers.models import Customer
from caseledger.disposition.models import (
    OPEN_STATUSES,
    DispositionBatch,
    DispositionItem,
    ItemStatus,
)
from caseledger.journal.services import (
    record_change,
)
from caseledger.retention import holds


def batch_state(batch: DispositionBatch) -> dict[str, Any]:
    state = model_state(batch)
    state["items"] = [
        {"type": i.record_type, "id": i.record_id, "status": i.status}
        for i in batch.items.order_by("pk")
    ]
    return state


def journal_batch(actor, batch, action, before=None, reason="", extra=None) -> None:
    state = batch_state(batch)
    record_change(
        actor=actor,
        action=action,
        object_type="disposition_batch",
        object_id=str(batch.pk),
        after=state,
        changes={}
        if before is None
        else {k: [before.get(k), v] for k, v in state.items() if before.get(k) != v},
        reason=reason,
        extra=extra,
    )


def local_today() -> dt.date:
    return timezone.localdate(clock.now())


def held_ids(record_type: str, ids: list[int]) -> set[int]:
    return holds.held_case_ids(ids) if record_type == "case" else holds.held_customer_ids(ids)


def holds_of(record_type: str, record_id: int) -> list[Any]:
    if record_type == "case":
        case = Case.objects.filter(pk=record_id).first()
        return holds.holds_for_case(case) if case else []
    customer = Customer.objects.filter(pk=record_id).first()
    return holds.holds_for_customer(customer) if customer else []


def hold_names(found: list[Any]) -> str:
    return "; ".join(f"{h.matter} (hold {h.pk})" for h in found)


def in_open_batch(record_type: str, ids: Iterable[int]) -> set[int]:
    return set(
        DispositionItem.objects.filter(
            record_type=record_type,
            record_id__in=list(ids),
            status=ItemStatus.PENDING,
            batch__status__in=OPEN_STATUSES,
        ).values_list("record_id", flat=True)
    )


def parse_ids(values: Iterable[Any], record_type: str) -> list[int]:
    ids: list[int] = []
    refs: list[str] = []
    for value in values:
        text = str(value).strip()
        if is_id(text):
            ids.append(int(text))
        elif record_type == "case" and text.upper().startswith("CL-"):
            refs.append(text.upper())
        elif text:
            raise ValidationFailed(
                _("%(text)r is not a record id") % {"text": text}, field="records", code="invalid"
            )
    if refs:
        found = dict(Case.objects.filter(reference__in=refs).values_list("reference", "pk"))
        missing = [r for r in refs if r not in found]
        if missing:
            raise ValidationFailed(
                _("no such case: %(missing)s") % {"missing": ", ".join(missing)},
                field="records",
                code="not_found",
            )
        ids += found.values()
    return sorted(set(ids))


def lock_batch(batch: DispositionBatch) -> DispositionBatch:
    return (
        DispositionBatch.objects.select_for_update(of=("self",))
        .select_related("schedule", "proposed_by", "approved_by")
        .get(pk=batch.pk)
    )


def require_reviewer(actor: User, batch: DispositionBatch) -> None:
    """A second person: may approve every department the batch touches, and is not the
    one who proposed it."""
    require(actor, Perm.DISPOSITION_APPROVE)
    if actor.pk == batch.proposed_by_id:
        raise PermissionDenied(
            gettext(
                "%(user)s proposed batch %(id)s; a second person must review it: ask another "
                "approver (a supervisor of its departments, or a compliance officer)"
            )
            % {"user": actor.get_username(), "id": batch.pk},
            code="same_person",
        )
    departments = set(batch.items.values_list("department_id", flat=True))
    for department_id in sorted(d for d in departments if d is not None):
        require(actor, Perm.DISPOSITION_APPROVE, department_id)
