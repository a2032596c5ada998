"""Maker-checker: identifier changes proposed by one person, confirmed or rejected by
another."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed, choice_word
from caseledger.core.state import model_state
from caseledger.customers import services as customers
from caseledger.customers.models import Customer, Identifier, IdentifierKind
from caseledger.journal.services import write_transaction
from caseledger.privacy.actions import PrivacyAction
from caseledger.privacy.models import (
    ChangeStatus,
    PendingChange,
)
from caseledger.privacy.services.common import PENDING_RECORD, record_privacy_change
from caseledger.vault import crypto
from caseledger.vault.masking import mask_identifier
from caseledger.vault.validators import check_identifier

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
    customers.require_identifier_kind(kind)
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
        record_privacy_change(actor, PrivacyAction.CHANGE_PROPOSE, change, None, reason=reason)
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
            _("change %(change_id)s was already %(current_status)s")
            % {"change_id": change.pk, "current_status": choice_word(current)},
            field="status",
            code="decided",
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
        _decide(current, actor, ChangeStatus.CONFIRMED, reason)
        record_privacy_change(
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
        _decide(current, actor, ChangeStatus.REJECTED, reason)
        record_privacy_change(
            actor,
            PrivacyAction.CHANGE_REJECT,
            current,
            before,
            reason=reason.strip(),
            extra={"maker": current.maker.get_username(), "checker": actor.get_username()},
        )
    return current


def _decide(current: PendingChange, actor: User, status: str, reason: str) -> None:
    """Record the checker's decision on the (locked) change and save it."""
    current.status = status
    current.checker = actor
    current.decision_reason = reason.strip()
    current.decided_at = clock.now()
    current.save()
