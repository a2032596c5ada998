"""Sensitive identifiers (vault): add and remove."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import ValidationFailed
from caseledger.customers.actions import CustomerAction
from caseledger.customers.models import (
    Customer,
    Identifier,
    IdentifierKind,
)
from caseledger.customers.sealing import customer_owner
from caseledger.customers.services.duplicates import probable_duplicates
from caseledger.customers.services.records import (
    customer_state,
    journal_customer,
    locked_customer,
    touch_customer,
)
from caseledger.journal.services import write_transaction
from caseledger.vault import crypto
from caseledger.vault.masking import mask_identifier
from caseledger.vault.validators import check_identifier

# ---- sensitive identifiers (vault) ----------------------------------------------------------
# Dangerous: these handle plaintext ID numbers, account numbers, health facts. Guarantees:
# the plaintext is validated, encrypted, indexed and masked here and goes nowhere else: not
# into the row, the journal (which gets ciphertext and mask), an error message or a log.
# Only identifier_reveal returns it, to someone with Perm.CUSTOMER_REVEAL who gave a reason,
# and the reveal is journaled (who, whose, which field, when, why; never the value).

IDENTIFIER_RECORD = "customer.identifier"
REASON_MAX = 500


@dataclass(frozen=True)
class IdentifierAdded:
    identifier: Identifier
    warnings: tuple[str, ...] = ()
    # Customers the actor may see that hold the same value: probably the same person.
    probable_duplicates: tuple[int, ...] = ()


def clean_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationFailed(_("a reason is required"), field="reason", code="required")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _("must be at most %(n)d characters") % {"n": REASON_MAX},
            field="reason",
            code="too_long",
        )
    return reason


def require_identifier_kind(kind: str) -> None:
    """Refuse a kind of identifier there is none of (identifier_add, and the maker-checker's
    proposal in privacy)."""
    if kind not in IdentifierKind.values:
        raise ValidationFailed(
            _("%(kind)r is not one of %(allowed)s")
            % {"kind": kind, "allowed": ", ".join(IdentifierKind.values)},
            field="kind",
            code="invalid_choice",
        )


def identifier_add(
    *, actor: User, customer: Customer, kind: str, value: str, reason: str = ""
) -> IdentifierAdded:
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    require_identifier_kind(kind)
    if not isinstance(value, str):
        raise ValidationFailed(_("must be text"), field="value")
    checked = check_identifier(kind, value)
    if checked.errors:
        raise ValidationFailed("; ".join(checked.errors), field="value")
    reason = clean_reason(reason, required=False)
    index = crypto.blind_index(checked.value, record=IDENTIFIER_RECORD, field=kind)
    with write_transaction():
        customer = locked_customer(customer)
        same = Identifier.objects.filter(kind=kind, blind_index=index)
        if same.filter(customer=customer).exists():
            raise ValidationFailed(
                _("this customer already has this value"), field="value", code="duplicate"
            )
        elsewhere = set(same.values_list("customer_id", flat=True))
        before = customer_state(customer)
        ciphertext = crypto.encrypt(
            checked.value,
            record=IDENTIFIER_RECORD,
            field=kind,
            owner=customer_owner(customer.pk),
        )
        identifier = Identifier.objects.create(
            customer=customer,
            kind=kind,
            ciphertext=ciphertext,
            key_id=crypto.key_id_of(ciphertext),
            blind_index=index,
            masked=mask_identifier(kind, checked.value),
            created_at=clock.now(),
        )
        touch_customer(customer)
        journal_customer(actor, customer, before, CustomerAction.IDENTIFIER_ADD, reason)
    return IdentifierAdded(identifier, *probable_duplicates(actor, checked.warnings, elsewhere))


def identifier_remove(*, actor: User, identifier: Identifier, reason: str) -> None:
    """Removes an identifier from the live record; the journal keeps its ciphertext."""
    customer = identifier.customer
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    reason = clean_reason(reason, required=True)
    with write_transaction():
        customer = locked_customer(customer)
        before = customer_state(customer)
        Identifier.objects.filter(pk=identifier.pk).delete()
        touch_customer(customer)
        journal_customer(actor, customer, before, CustomerAction.IDENTIFIER_REMOVE, reason)
