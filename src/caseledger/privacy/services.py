"""Every privacy write: maker-checker for sensitive identifiers, privacy requests, consent.

Dangerous in part: pending changes carry plaintext identifiers on the way in and out. The
guarantee is the vault's: plaintext is validated, encrypted and masked here, then only
handed to customers.services on confirmation; never stored, journaled, logged or put in
an error. Each function: permission, validation, write, journal, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.core.permissions import PRIVACY_HANDLE
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers import services as customers
from caseledger.customers.models import Customer, Identifier, IdentifierKind
from caseledger.journal.services import record_change, write_transaction
from caseledger.privacy import deadlines
from caseledger.privacy.actions import PrivacyAction
from caseledger.privacy.models import (
    OPEN_STATUSES,
    ChangeStatus,
    Consent,
    LegalBasis,
    ObtainedBy,
    PendingChange,
    PrivacyRequest,
    QualityCheck,
    QualityOutcome,
    QualitySample,
    RequestKind,
    RequestStatus,
)
from caseledger.vault import crypto
from caseledger.vault.masking import mask_identifier
from caseledger.vault.validators import check_identifier

PENDING_RECORD = "privacy.pending"
# Who handles privacy requests: the compliance role (the one that may reveal). A dedicated
# permission can replace this without touching callers.
HANDLE = PRIVACY_HANDLE
ANONYMIZATION_REQUIRED = gettext_noop("anonymization required")


def _record(actor: User | None, action: str, obj: Any, before: dict | None, **kw: Any) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        root=f"customer:{obj.customer_id}",
        after=model_state(obj),
        before=before,
        **kw,
    )


# ---- maker-checker ------------------------------------------------------------------------


def needs_review(kind: str) -> bool:
    kinds = settings.REVIEWED_IDENTIFIER_KINDS
    return kind in (IdentifierKind.values if kinds is None else kinds)


def identifier_change_propose(
    *,
    actor: User,
    customer: Customer,
    kind: str,
    value: str,
    reason: str = "",
    replaces: Identifier | None = None,
) -> PendingChange:
    """Enter a new or changed identifier; it waits for a second person (the checker)."""
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    if kind not in IdentifierKind.values:
        raise ValidationFailed(
            f"{kind!r} is not one of {', '.join(IdentifierKind.values)}",
            field="kind",
            code="invalid_choice",
        )
    if replaces is not None and (replaces.customer_id != customer.pk or replaces.kind != kind):
        raise ValidationFailed(
            _("must be an identifier of this customer and kind"), field="replaces"
        )
    if not isinstance(value, str):
        raise ValidationFailed(_("must be text"), field="value")
    checked = check_identifier(kind, value)
    if checked.errors:
        raise ValidationFailed("; ".join(checked.errors), field="value")
    reason = customers.clean_reason(reason, required=False)
    with write_transaction():
        # A proposal is a write a hold blocks (ADR 0007): refused here, naming the matter,
        # not only at confirmation, or the pending change would outlive the hold.
        customer = customers.locked_customer(customer)
        change = PendingChange(
            customer=customer,
            kind=kind,
            replaces=replaces,
            masked=mask_identifier(kind, checked.value),
            reason=reason,
            maker=actor,
            created_at=clock.now(),
        )
        change.save()  # the id binds the ciphertext to this change
        change.ciphertext = crypto.encrypt(
            checked.value, record=PENDING_RECORD, field=kind, owner=f"pending:{change.pk}"
        )
        change.key_id = crypto.key_id_of(change.ciphertext)
        change.save(update_fields=["ciphertext", "key_id"])
        _record(actor, PrivacyAction.CHANGE_PROPOSE, change, None, reason=reason)
    return change


def _decidable(actor: User, change: PendingChange, decision_reason: str) -> PendingChange:
    require(actor, Perm.CUSTOMER_APPROVE, change.customer.department_id)
    if change.maker_id == actor.pk:
        raise PermissionDenied(
            _("the person who entered a change cannot review it"), field="checker", code="maker"
        )
    customers.clean_reason(decision_reason, required=True)
    current = PendingChange.objects.select_for_update().get(pk=change.pk)
    if current.status != ChangeStatus.PENDING:
        raise Conflict(
            f"change {change.pk} was already {current.status}", field="status", code="decided"
        )
    return current


def identifier_change_confirm(*, actor: User, change: PendingChange, reason: str) -> Identifier:
    """The checker confirms the value against the source; it is applied through the
    identifier services in the maker's name, and journaled with both names."""
    with write_transaction():
        current = _decidable(actor, change, reason)
        before = model_state(current)
        value = crypto.decrypt(
            current.ciphertext,
            record=PENDING_RECORD,
            field=current.kind,
            owner=f"pending:{current.pk}",
        )
        note = f"confirmed by {actor.get_username()}: {reason.strip()}"[: customers.REASON_MAX]
        if current.replaces_id is not None:
            old = Identifier.objects.filter(pk=current.replaces_id).first()
            if old is not None:
                customers.identifier_remove(actor=current.maker, identifier=old, reason=note)
        added = customers.identifier_add(
            actor=current.maker, customer=current.customer, kind=current.kind, value=value,
            reason=note,
        )  # fmt: skip
        replaced = current.replaces_id
        current.replaces = None  # the row is gone; the journal entry below names it
        current.status = ChangeStatus.CONFIRMED
        current.checker = actor
        current.decision_reason = reason.strip()
        current.decided_at = clock.now()
        current.save()
        _record(
            actor,
            PrivacyAction.CHANGE_CONFIRM,
            current,
            before,
            reason=reason.strip(),
            extra={
                "maker": current.maker.get_username(),
                "checker": actor.get_username(),
                "identifier": added.identifier.pk,
                "replaced": replaced,
            },
        )
    return added.identifier


def identifier_change_reject(*, actor: User, change: PendingChange, reason: str) -> PendingChange:
    """The checker refuses the change; the customer keeps what it had."""
    with write_transaction():
        current = _decidable(actor, change, reason)
        before = model_state(current)
        current.status = ChangeStatus.REJECTED
        current.checker = actor
        current.decision_reason = reason.strip()
        current.decided_at = clock.now()
        current.save()
        _record(
            actor,
            PrivacyAction.CHANGE_REJECT,
            current,
            before,
            reason=reason.strip(),
            extra={"maker": current.maker.get_username(), "checker": actor.get_username()},
        )
    return current


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
    received = c.day(data, "received_on") or deadlines.today()
    if received > deadlines.today():
        c.add("received_on", "cannot be in the future")
    channel = c.text(data, "channel", max_length=40) or ""
    details = c.text(data, "details", max_length=5000) or ""
    c.raise_if_any()
    with write_transaction():
        request = PrivacyRequest.objects.create(
            customer=customer,
            kind=kind,
            received_on=received,
            due_on=deadlines.due_date(received),
            status=RequestStatus.OPEN,
            channel=channel,
            details=details,
            created_at=clock.now(),
        )
        _record(actor, PrivacyAction.REQUEST_OPEN, request, None)
    return request


def _locked_request(request: PrivacyRequest) -> PrivacyRequest:
    current = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if current.status not in OPEN_STATUSES:
        raise Conflict(
            f"privacy request {request.pk} is already {current.status}",
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
        _record(actor, PrivacyAction.REQUEST_ASSIGN, current, before)
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
        _record(actor, PrivacyAction.REQUEST_COMPLETE, current, before, reason=outcome[:500])
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
    keeps = erasure.legal_keeps(customer, deadlines.today())
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


# ---- consent ----------------------------------------------------------------------------------

CONSENT_FIELDS = (
    "purpose", "data_scope", "channel_scope", "legal_basis", "obtained_by", "granted_at",
    "expires_at", "retention_promised",
)  # fmt: skip


def consent_grant(*, actor: User, customer: Customer, data: Mapping[str, Any]) -> Consent:
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    c = Collector()
    c.unknown(data, CONSENT_FIELDS)
    clean = {
        "purpose": c.text(data, "purpose", required=True, max_length=200),
        "data_scope": c.text(data, "data_scope", max_length=200) or "",
        "channel_scope": c.text(data, "channel_scope", max_length=100) or "",
        "legal_basis": c.choice(data, "legal_basis", LegalBasis.values, required=True),
        "obtained_by": c.choice(data, "obtained_by", ObtainedBy.values, required=True),
        "granted_at": c.moment(data, "granted_at") or clock.now(),
        "expires_at": c.moment(data, "expires_at"),
        "retention_promised": c.text(data, "retention_promised", max_length=200) or "",
    }
    granted, expires = clean["granted_at"], clean["expires_at"]
    if isinstance(expires, dt.datetime) and isinstance(granted, dt.datetime) and expires <= granted:
        c.add("expires_at", "must be after granted_at")
    c.raise_if_any()
    with write_transaction():
        consent = Consent.objects.create(
            customer=customer, recorded_by=actor, created_at=clock.now(), **clean
        )
        _record(actor, PrivacyAction.CONSENT_GRANT, consent, None)
    return consent


def consent_withdraw(*, actor: User, consent: Consent, reason: str = "") -> Consent:
    require(actor, Perm.CUSTOMER_MODIFY, consent.customer.department_id)
    reason = customers.clean_reason(reason, required=False)
    with write_transaction():
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        if current.withdrawn_at is not None:
            raise Conflict(_("this consent was already withdrawn"), field="withdrawn_at")
        before = model_state(current)
        current.withdrawn_at = clock.now()
        current.save(update_fields=["withdrawn_at"])
        _record(actor, PrivacyAction.CONSENT_WITHDRAW, current, before, reason=reason)
    return current


# ---- data-quality sampling ------------------------------------------------------------------
# Each month a random sample of every department's customer records is checked against the
# source by a reviewer (someone who may approve sensitive changes). The draw keeps its seed,
# so anyone can repeat it from the population and see it was random, not chosen.

QUALITY_NOTE_MAX = 2000
QUALITY_SIZE_MAX = 1000


def _quality_month(month: dt.date | str | None) -> dt.date:
    """The first day of the month meant: a date in it, or YYYY-MM; this month if none."""
    if month in (None, ""):
        day = deadlines.today()
    elif isinstance(month, dt.date):
        day = month
    else:
        try:
            day = dt.date.fromisoformat(f"{month}-01" if len(str(month)) == 7 else str(month))
        except ValueError:
            raise ValidationFailed(
                _("%(value)r is not a month (YYYY-MM)") % {"value": month}, field="month"
            ) from None
    first = day.replace(day=1)
    if first > deadlines.today().replace(day=1):
        raise ValidationFailed(_("cannot draw a sample for a future month"), field="month")
    return first


def quality_sample_draw(
    *,
    actor: User | None,
    month: dt.date | str | None = None,
    department: Department | None = None,
    size: int | None = None,
) -> list[QualitySample]:
    """The month's sample for each department the actor reviews (or the given one; every
    department for the worker, actor None). Idempotent: a department's sample for a month
    is drawn once; asking again returns it unchanged. Merged-away and restricted customers
    are not drawn (the first is only a pointer, the second is compliance's alone)."""
    if actor is not None:
        require(actor, Perm.CUSTOMER_APPROVE, department.pk if department else None)
    first = _quality_month(month)
    size = settings.QUALITY_SAMPLE_SIZE if size is None else size
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= QUALITY_SIZE_MAX:
        raise ValidationFailed(
            _("must be a whole number from 1 to %(n)d") % {"n": QUALITY_SIZE_MAX}, field="size"
        )
    departments = Department.objects.order_by("code")
    if department is not None:
        departments = departments.filter(pk=department.pk)
    elif actor is not None:
        allowed = department_ids(actor, Perm.CUSTOMER_APPROVE)
        if allowed is not None:
            departments = departments.filter(pk__in=allowed)
    samples = []
    for dept in departments:
        with write_transaction():
            found = QualitySample.objects.filter(department=dept, month=first).first()
            if found is None:
                found = _quality_draw(actor, dept, first, size)
        samples.append(found)
    return samples


def _quality_draw(actor: User | None, dept: Department, first: dt.date, size: int) -> QualitySample:
    population = list(
        Customer.objects.filter(
            department=dept, merged_into__isnull=True, restricted_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    seed = secrets.token_hex(8)
    chosen = sorted(random.Random(seed).sample(population, min(size, len(population))))
    sample = QualitySample.objects.create(
        department=dept,
        month=first,
        size=size,
        population=len(population),
        seed=seed,
        drawn_at=clock.now(),
        drawn_by=actor,
    )
    QualityCheck.objects.bulk_create(QualityCheck(sample=sample, customer_id=c) for c in chosen)
    state = {**model_state(sample), "customers": chosen}
    record_change(
        actor=actor,
        action=PrivacyAction.QUALITY_SAMPLE,
        object_type="qualitysample",
        object_id=str(sample.pk),
        after=state,
        before=None,
    )
    return sample


def quality_check_record(
    *, actor: User, check: QualityCheck, outcome: str, note: str = ""
) -> QualityCheck:
    """What the reviewer found for one sampled record: correct, corrected (the correction
    itself goes through the customer services), or could not verify. A note is required
    unless the record was correct. Recorded once."""
    require(actor, Perm.CUSTOMER_APPROVE, check.customer.department_id)
    decided = [o for o in QualityOutcome.values if o != QualityOutcome.PENDING]
    if outcome not in decided:
        raise ValidationFailed(
            _("must be one of %(choices)s") % {"choices": ", ".join(decided)},
            field="outcome",
            code="invalid_choice",
        )
    note = (note or "").strip()
    if outcome != QualityOutcome.OK and not note:
        raise ValidationFailed(
            _("say what was corrected or why it could not be verified"),
            field="note",
            code="required",
        )
    if len(note) > QUALITY_NOTE_MAX:
        raise ValidationFailed(
            _("must be at most %(n)d characters") % {"n": QUALITY_NOTE_MAX},
            field="note",
            code="too_long",
        )
    with write_transaction():
        current = QualityCheck.objects.select_for_update().get(pk=check.pk)
        if current.outcome != QualityOutcome.PENDING:
            raise Conflict(
                _("this record's check was already recorded (%(outcome)s)")
                % {"outcome": current.get_outcome_display()},
                field="outcome",
                code="decided",
            )
        before = model_state(current)
        current.outcome = outcome
        current.note = note
        current.reviewer = actor
        current.reviewed_at = clock.now()
        current.save()
        _record(actor, PrivacyAction.QUALITY_CHECK, current, before, reason=note[:500])
    return current
