"""PIPL Art 47 restriction and erasure marks: restrict, lift, mark for erasure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.permissions import PRIVACY_HANDLE
from caseledger.core.validate import Collector
from caseledger.customers.models import Customer
from caseledger.journal.services import record_change, write_transaction
from caseledger.retention.actions import RetentionAction
from caseledger.retention.models import RecordRetention
from caseledger.retention.services.recompute import recompute_records

# ---- restriction (PIPL Art 47) -----------------------------------------------------------


def _restriction_target(case: Case | None, customer: Customer | None) -> tuple[str, Any]:
    if (case is None) == (customer is None):
        raise ValidationFailed(
            _("name exactly one record: a case or a customer"), field="record", code="required"
        )
    return ("case", case) if case is not None else ("customer", customer)


def _restriction_write(actor: User | None, kind: str, record: Any, reason: str, on: bool) -> Any:
    from caseledger.cases.services import case_state
    from caseledger.customers.services import customer_state

    model: Any = Case if kind == "case" else Customer
    state_of = case_state if kind == "case" else customer_state
    name = record.reference if kind == "case" else f"customer {record.pk}"
    with write_transaction():
        locked = model.objects.select_for_update().get(pk=record.pk)
        if on and locked.restricted_at is not None:
            raise Conflict(
                _("%(name)s is already restricted") % {"name": name},
                field="restricted",
                code="restricted",
            )
        if not on and locked.restricted_at is None:
            raise Conflict(
                _("%(name)s is not restricted") % {"name": name},
                field="restricted",
                code="not_restricted",
            )
        before = state_of(locked)
        locked.restricted_at = clock.now() if on else None
        locked.restricted_reason = reason if on else ""
        locked.save(update_fields=["restricted_at", "restricted_reason"])
        after = state_of(locked)
        record_change(
            actor=actor,
            action=f"{kind}.{'restrict' if on else 'unrestrict'}",
            object_type=kind,
            object_id=str(locked.pk),
            after=after,
            before=before,
            reason=reason,
        )
        _refresh_deadlines(actor, kind, locked)
    return locked


def _refresh_deadlines(actor: User | None, kind: str, record: Any) -> None:
    """The record's stored lifecycle state follows at once (its customer's cases too),
    rather than at the nightly recompute."""
    today = timezone.localdate(clock.now())
    if kind == "case":
        recompute_records(actor=actor, record_type="case", where=Q(pk=record.pk), on=today)
        return
    recompute_records(actor=actor, record_type="customer", where=Q(pk=record.pk), on=today)
    recompute_records(actor=actor, record_type="case", where=Q(customer=record.pk), on=today)


def _require_manage_or_handler(actor: User | None, record: Any, privacy_request: Any) -> None:
    """Records managers and compliance restrict; a privacy deletion request's outcome is
    the law's, so its handler's permission (PRIVACY_HANDLE, privacy.services.HANDLE) is
    enough there."""
    if actor is None:
        return
    if privacy_request is None:
        require(actor, Perm.RETENTION_MANAGE)
        return
    require(actor, PRIVACY_HANDLE, record.department_id)


def record_restrict(
    *,
    actor: User | None,
    reason: str,
    case: Case | None = None,
    customer: Customer | None = None,
    privacy_request: Any = None,
) -> Case | Customer:
    """Restrict a case or a customer (with all its cases): readable by compliance only,
    out of every list, frozen. Allowed under a legal hold: restriction deletes nothing."""
    kind, record = _restriction_target(case, customer)
    _require_manage_or_handler(actor, record, privacy_request)
    c = Collector()
    clean = c.text({"reason": reason}, "reason", required=True, max_length=5000)
    c.raise_if_any()
    return _restriction_write(actor, kind, record, clean or "", True)


def record_unrestrict(
    *,
    actor: User | None,
    reason: str,
    case: Case | None = None,
    customer: Customer | None = None,
) -> Case | Customer:
    """Lift a restriction: the only change a restricted record accepts."""
    kind, record = _restriction_target(case, customer)
    _require_manage_or_handler(actor, record, None)
    c = Collector()
    clean = c.text({"reason": reason}, "reason", required=True, max_length=5000)
    c.raise_if_any()
    return _restriction_write(actor, kind, record, clean or "", False)


def retention_erasure_mark(
    *, actor: User | None, customer: Customer, reason: str, privacy_request: Any = None
) -> None:
    """A deletion request found no legal period running: the customer falls due today and
    so enters the disposition review (anonymization). Kept across recomputes."""
    _require_manage_or_handler(actor, customer, privacy_request)
    today = timezone.localdate(clock.now())
    with write_transaction():
        row, _created = RecordRetention.objects.get_or_create(
            record_type="customer",
            record_id=customer.pk,
            defaults={"state": "due", "computed_at": clock.now(), "erasure_on": today},
        )
        if row.erasure_on is None or row.erasure_on > today:
            row.erasure_on = today
            row.save(update_fields=["erasure_on"])
        record_change(
            actor=actor,
            action=RetentionAction.ERASURE_MARK,
            object_type="customer",
            object_id=str(customer.pk),
            after=None,
            reason=reason,
            extra={"erasure_on": today.isoformat()},
        )
        recompute_records(actor=actor, record_type="customer", where=Q(pk=customer.pk), on=today)
