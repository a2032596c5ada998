"""Privacy reads, scoped by permission: pending changes, privacy requests, consents, and
contact points due for re-verification."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.customers.models import ContactPoint, Customer, RelationshipStatus
from caseledger.privacy.models import (
    OPEN_STATUSES,
    ChangeStatus,
    Consent,
    PendingChange,
    PrivacyRequest,
)
from caseledger.privacy.request_due import today
from caseledger.privacy.services import HANDLE


def _scoped(qs: QuerySet, actor: User, perm: Perm, field: str = "customer__department_id"):
    require(actor, perm)
    allowed = department_ids(actor, perm)
    return qs if allowed is None else qs.filter(**{f"{field}__in": allowed})


def pending_changes(*, actor: User, customer: Customer | None = None) -> QuerySet[PendingChange]:
    qs = _scoped(
        PendingChange.objects.filter(status=ChangeStatus.PENDING).select_related("maker"),
        actor,
        Perm.CUSTOMER_VIEW,
    )
    return qs.filter(customer=customer) if customer is not None else qs


def pending_change_get(*, actor: User, change_id: int | str) -> PendingChange:
    qs = _scoped(
        PendingChange.objects.select_related("customer", "maker"), actor, Perm.CUSTOMER_VIEW
    )
    change = qs.filter(pk=change_id).first() if is_id(str(change_id)) else None
    if change is None:
        raise NotFound(
            _("pending change %(change_id)s does not exist") % {"change_id": change_id},
            field="change",
        )
    return change


def privacy_request_list(
    *, actor: User, filters: dict[str, Any] | None = None
) -> QuerySet[PrivacyRequest]:
    filters = filters or {}
    qs = _scoped(PrivacyRequest.objects.select_related("customer", "handler"), actor, HANDLE)
    if filters.get("open"):
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.get("overdue"):
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=today())
    if filters.get("customer"):
        raw = str(filters["customer"]).strip()
        # Not a customer number (?customer=abc): no customer by that number, no requests.
        if not is_id(raw) or int(raw) > 2**63 - 1:
            return qs.none()
        qs = qs.filter(customer_id=int(raw))
    return qs.order_by("due_on", "id")


def privacy_request_get(*, actor: User, request_id: int | str) -> PrivacyRequest:
    qs = privacy_request_list(actor=actor)
    found = qs.filter(pk=request_id).first() if is_id(str(request_id)) else None
    if found is None:
        raise NotFound(
            _("privacy request %(request_id)s does not exist") % {"request_id": request_id},
            field="request",
        )
    return found


def overdue_requests() -> QuerySet[PrivacyRequest]:
    """For the worker: every open request past its due date, unscoped."""
    return PrivacyRequest.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today()).order_by(
        "due_on", "id"
    )


def consents(*, actor: User, customer: Customer) -> QuerySet[Consent]:
    return _scoped(Consent.objects.filter(customer=customer), actor, Perm.CUSTOMER_VIEW)


def consent_get(*, actor: User, consent_id: int | str) -> Consent:
    qs = _scoped(Consent.objects.select_related("customer"), actor, Perm.CUSTOMER_VIEW)
    found = qs.filter(pk=consent_id).first() if is_id(str(consent_id)) else None
    if found is None:
        raise NotFound(
            _("consent %(consent_id)s does not exist") % {"consent_id": consent_id}, field="consent"
        )
    return found


# ---- freshness ------------------------------------------------------------------------------


def reverify_after(status: str) -> dt.timedelta:
    days = settings.REVERIFY_DAYS
    return dt.timedelta(days=days.get(status, days["other"]))


def _stale_filter(now: dt.datetime) -> Q:
    """Contact points whose last verification (or creation, if never verified) is older
    than the window for their customer's relationship status."""
    q = Q()
    special = (RelationshipStatus.ACTIVE, RelationshipStatus.PROSPECT)
    for status in special:
        cutoff = now - reverify_after(status)
        q |= Q(customer__relationship_status=status) & (
            Q(verified_at__lt=cutoff) | Q(verified_at__isnull=True, created_at__lt=cutoff)
        )
    cutoff = now - reverify_after("other")
    q |= ~Q(customer__relationship_status__in=special) & (
        Q(verified_at__lt=cutoff) | Q(verified_at__isnull=True, created_at__lt=cutoff)
    )
    return q


def stale_contact_ids(customer: Customer) -> set[int]:
    qs = ContactPoint.objects.filter(customer=customer).filter(_stale_filter(clock.now()))
    return set(qs.values_list("pk", flat=True))


def reverification_worklist(
    *, actor: User | None, department: int | None = None
) -> QuerySet[ContactPoint]:
    """Contact points due for re-verification, by department then customer. Without an
    actor (the worker) every department."""
    qs = ContactPoint.objects.select_related("customer", "customer__department").filter(
        _stale_filter(clock.now())
    )
    if actor is not None:
        qs = _scoped(qs, actor, Perm.CUSTOMER_VIEW)
    if department is not None:
        qs = qs.filter(customer__department_id=department)
    return qs.order_by("customer__department__code", "customer__name", "customer_id", "id")
