"""Privacy requests (PIPL): open, assign, complete (a deletion restricts or marks for
erasure through retention), export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed, choice_word
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers import services as customers
from caseledger.customers.models import Customer
from caseledger.journal.services import record_change, write_transaction
from caseledger.privacy import request_due
from caseledger.privacy.actions import PrivacyAction
from caseledger.privacy.models import (
    OPEN_STATUSES,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
)
from caseledger.privacy.services.common import ANONYMIZATION_REQUIRED, HANDLE, record_privacy_change

# ---- privacy requests -----------------------------------------------------------------------


def privacy_request_open(
    *,
    actor: User,
    customer: Customer,
    kind: str,
    received_on: dt.date | str | None = None,
    channel: str = "",
    details: str = "",
) -> PrivacyRequest:
    require(actor, HANDLE, customer.department_id)
    c = Collector()
    data = {"kind": kind, "received_on": received_on, "channel": channel, "details": details}
    kind = c.choice(data, "kind", RequestKind.values, required=True) or ""
    received = c.day(data, "received_on") or request_due.today()
    if received > request_due.today():
        c.add("received_on", _("cannot be in the future"))
    channel = c.text(data, "channel", max_length=40) or ""
    details = c.text(data, "details", max_length=5000) or ""
    c.raise_if_any()
    with write_transaction():
        request = PrivacyRequest.objects.create(
            customer=customer,
            kind=kind,
            received_on=received,
            due_on=request_due.due_date(received),
            status=RequestStatus.OPEN,
            channel=channel,
            details=details,
            created_at=clock.now(),
        )
        record_privacy_change(actor, PrivacyAction.REQUEST_OPEN, request, None)
    return request


def _locked_request(request: PrivacyRequest) -> PrivacyRequest:
    current = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if current.status not in OPEN_STATUSES:
        raise Conflict(
            _("privacy request %(request_id)s is already %(current_status)s")
            % {"request_id": request.pk, "current_status": choice_word(current)},
            field="status",
            code="closed",
        )
    return current


def privacy_request_assign(
    *, actor: User, request: PrivacyRequest, handler: User
) -> PrivacyRequest:
    require(actor, HANDLE, request.customer.department_id)
    if not handler.is_active or not _may_handle(handler, request):
        raise ValidationFailed(
            _("%(who)s may not handle privacy requests") % {"who": handler.get_username()},
            field="handler",
        )
    with write_transaction():
        current = _locked_request(request)
        before = model_state(current)
        current.handler = handler
        if current.status == RequestStatus.OPEN:
            current.status = RequestStatus.IN_PROGRESS
        current.save(update_fields=["handler", "status"])
        record_privacy_change(actor, PrivacyAction.REQUEST_ASSIGN, current, before)
    return current


def _may_handle(user: User, request: PrivacyRequest) -> bool:
    from caseledger.accounts.access import can

    return can(user, HANDLE, request.customer.department_id)


def privacy_request_complete(
    *, actor: User, request: PrivacyRequest, outcome: str, refused: bool = False
) -> PrivacyRequest:
    require(actor, HANDLE, request.customer.department_id)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationFailed(_("say what was done"), field="outcome", code="required")
    with write_transaction():
        current = _locked_request(request)
        before = model_state(current)
        if current.kind == RequestKind.DELETION and not refused:
            outcome = f"{outcome}\n{_delete_customer(actor, current)}"
        current.status = RequestStatus.REFUSED if refused else RequestStatus.COMPLETED
        current.outcome = outcome
        current.completed_at = clock.now()
        if current.handler_id is None:
            current.handler = actor
        current.save()
        record_privacy_change(
            actor, PrivacyAction.REQUEST_COMPLETE, current, before, reason=outcome[:500]
        )
    return current


def _delete_customer(actor: User, request: PrivacyRequest) -> str:
    """What a deletion request does (PIPL Art 47), as the outcome's last line. Refused (Held,
    naming each matter) while a legal hold covers the customer or any of its cases; where a
    retention period still runs, the customer is restricted with the legal source and date;
    otherwise the customer falls due today for anonymization through disposition review."""
    from caseledger.retention import erasure, holds
    from caseledger.retention import services as retention

    customer = Customer.objects.select_for_update().get(pk=request.customer_id)
    holds.ensure_not_held(customer=customer)
    case_ids = list(customer.cases.values_list("pk", flat=True))
    for case in customer.cases.filter(pk__in=sorted(holds.held_case_ids(case_ids)))[:1]:
        holds.ensure_not_held(case=case)
    keeps = erasure.legal_keeps(customer, request_due.today())
    if keeps:
        reason = erasure.restriction_reason(keeps)
        if customer.restricted_at is None:
            retention.record_restrict(
                actor=actor, customer=customer, reason=reason, privacy_request=request
            )
        return _("restricted under PIPL Art 47, not deleted: %(reason)s") % {"reason": reason}
    retention.retention_erasure_mark(
        actor=actor,
        customer=customer,
        reason=f"privacy request {request.pk}",
        privacy_request=request,
    )
    return _(
        "%(outcome)s: customer %(id)s is due today and queued for anonymization through "
        "disposition review"
    ) % {"outcome": _(ANONYMIZATION_REQUIRED), "id": customer.pk}


def privacy_request_export(
    *, actor: User, request: PrivacyRequest, reveal: bool = False, reason: str = ""
) -> dict[str, Any]:
    """Everything held about the customer, as JSON-ready data, for an access/copy request.
    Identifiers stay masked unless `reveal` (the reveal permission and a reason; journaled
    as a customer.reveal per identifier). The export itself is journaled, never its content."""
    from caseledger.privacy.export import customer_export

    require(actor, HANDLE, request.customer.department_id)
    if request.kind != RequestKind.ACCESS:
        raise ValidationFailed(_("only an access/copy request has an export"), field="kind")
    if reveal:
        require(actor, Perm.CUSTOMER_REVEAL, request.customer.department_id)
        reason = customers.clean_reason(reason, required=True)
    with write_transaction():
        data = customer_export(request.customer, actor=actor if reveal else None, reason=reason)
        record_change(
            actor=actor,
            action=PrivacyAction.EXPORT,
            object_type="privacyrequest",
            object_id=str(request.pk),
            root=f"customer:{request.customer_id}",
            after=model_state(request),
            reason=reason,
            extra={
                "customer": request.customer_id,
                "revealed": reveal,
                "counts": {k: len(v) for k, v in data.items() if isinstance(v, list)},
            },
        )
    return data
