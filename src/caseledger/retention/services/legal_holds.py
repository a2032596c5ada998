"""Legal holds: place and release (the guards every write calls are holds/)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed, record_word
from caseledger.core.ids import is_id
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers.models import Customer
from caseledger.journal.services import record_change, write_transaction
from caseledger.retention import holds
from caseledger.retention.actions import RetentionAction
from caseledger.retention.models import (
    HoldScope,
    LegalHold,
)

# ---- legal holds -----------------------------------------------------------------------


def hold_state(hold: LegalHold) -> dict[str, Any]:
    state = model_state(hold)
    state["cases"] = sorted(hold.cases.values_list("pk", flat=True))
    state["customers"] = sorted(hold.customers.values_list("pk", flat=True))
    return state


def _ids(values: Iterable[Any], model: Any, field: str) -> list[int]:
    wanted: list[int] = []
    refs: list[str] = []
    for v in values or ():
        text = str(v).strip()
        if is_id(text):
            wanted.append(int(text))
        elif model is Case and text.upper().startswith("CL-"):
            refs.append(text.upper())
        else:
            raise ValidationFailed(
                _("%(text)r is not an id") % {"text": text}, field=field, code="invalid"
            )
    found = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if refs:
        by_ref = dict(Case.objects.filter(reference__in=refs).values_list("reference", "pk"))
        missing_refs = [r for r in refs if r not in by_ref]
        if missing_refs:
            raise ValidationFailed(
                _("no such case: %(missing_refs)s") % {"missing_refs": ", ".join(missing_refs)},
                field=field,
                code="not_found",
            )
        found |= set(by_ref.values())
        wanted += list(by_ref.values())
    missing = sorted(set(wanted) - found)
    if missing:
        raise ValidationFailed(
            _("no such %(field)s: %(missing)s")
            % {"field": record_word(field[:-1]), "missing": ", ".join(map(str, missing))},
            field=field,
            code="not_found",
        )
    return sorted(set(wanted))


def hold_place(
    *,
    actor: User,
    matter: str,
    reason: str,
    scope: str,
    cases: Iterable[Any] = (),
    customers: Iterable[Any] = (),
    case_filter: Mapping[str, Any] | None = None,
    owner: User | None = None,
) -> LegalHold:
    require(actor, Perm.HOLD_MANAGE)
    c = Collector()
    data = {"matter": matter, "reason": reason, "scope": scope}
    matter_clean = c.text(data, "matter", required=True, max_length=200)
    reason_clean = c.text(data, "reason", required=True, max_length=5000)
    c.choice(data, "scope", HoldScope.values, required=True)
    c.raise_if_any()
    case_ids: list[int] = []
    customer_ids: list[int] = []
    saved: dict[str, str] = {}
    if scope == HoldScope.CASES:
        case_ids = _ids(cases, Case, "cases")
        if not case_ids:
            raise ValidationFailed(_("name at least one case"), field="cases", code="required")
    elif scope == HoldScope.CUSTOMERS:
        customer_ids = _ids(customers, Customer, "customers")
        if not customer_ids:
            raise ValidationFailed(
                _("name at least one customer"), field="customers", code="required"
            )
    else:
        saved = holds.clean_filter(dict(case_filter or {}))
    with write_transaction():
        hold = LegalHold.objects.create(
            matter=matter_clean or "",
            reason=reason_clean or "",
            owner=owner or actor,
            scope=scope,
            case_filter=saved,
            placed_at=clock.now(),
            placed_by=actor,
        )
        hold.cases.set(case_ids)
        hold.customers.set(customer_ids)
        state = hold_state(hold)
        record_change(
            actor=actor,
            action=RetentionAction.HOLD_PLACE,
            object_type="legal_hold",
            object_id=str(hold.pk),
            after=state,
            before=None,
            reason=reason_clean or "",
        )
    return hold


def hold_release(*, actor: User, hold: LegalHold, reason: str) -> LegalHold:
    require(actor, Perm.HOLD_MANAGE)
    if not (reason or "").strip():
        raise ValidationFailed(
            _("a reason is required to release a hold"), field="reason", code="required"
        )
    with write_transaction():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            raise Conflict(
                _("hold %(hold_id)s (%(hold_matter)s) is already released")
                % {"hold_id": hold.pk, "hold_matter": hold.matter},
                field="hold",
            )
        before = hold_state(hold)
        hold.released_at = clock.now()
        hold.released_by = actor
        hold.release_reason = reason.strip()
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        after = hold_state(hold)
        record_change(
            actor=actor,
            action=RetentionAction.HOLD_RELEASE,
            object_type="legal_hold",
            object_id=str(hold.pk),
            after=after,
            before=before,
            reason=hold.release_reason,
        )
    return hold
