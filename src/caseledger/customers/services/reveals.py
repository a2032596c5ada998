"""Journaled looks at sensitive values: an identifier, a contact point, a person's name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.customers.actions import CustomerAction
from caseledger.customers.models import (
    ContactPoint,
    Customer,
    Identifier,
)
from caseledger.customers.services.identifiers import (
    IDENTIFIER_RECORD,
    clean_reason,
    identifier_owner,
)
from caseledger.customers.services.records import customer_state
from caseledger.journal.services import record_change, write_transaction
from caseledger.vault import crypto


def identifier_reveal(*, actor: User, identifier: Identifier, reason: str) -> str:
    """The plaintext, for someone allowed to see it and who said why. Journaled first: if
    the journal entry cannot be written, nothing is revealed."""
    customer = identifier.customer
    require(actor, Perm.CUSTOMER_REVEAL, customer.department_id)
    reason = clean_reason(reason, required=True)
    with write_transaction():
        current = Identifier.objects.filter(pk=identifier.pk).first()
        if current is None:
            raise NotFound(
                _("identifier %(identifier_id)s does not exist") % {"identifier_id": identifier.pk},
                field="identifier",
            )
        customer = Customer.objects.get(pk=current.customer_id)  # fresh, for the state
        plaintext = crypto.decrypt(
            current.ciphertext,
            record=IDENTIFIER_RECORD,
            field=current.kind,
            owner=identifier_owner(current.customer_id),
        )
        _journal_reveal(
            actor,
            customer,
            reason,
            {
                "field": f"identifier.{current.kind}",
                "identifier": current.pk,
                "masked": current.masked,
            },
        )
    return plaintext


def _journal_reveal(actor: User, customer: Customer, reason: str, extra: dict[str, Any]) -> None:
    """The one journal entry of every reveal (identifier, contact point, name): who saw
    which field of whom, when and why; `extra` names the field and holds its mask, never
    the value."""
    record_change(
        actor=actor,
        action=CustomerAction.REVEAL,
        object_type="customer",
        object_id=str(customer.pk),
        after=customer_state(customer),
        reason=reason,
        extra=extra,
    )


def contact_point_reveal(*, actor: User, point: ContactPoint, reason: str) -> str:
    """The full value of a contact point, which every interface otherwise masks; for someone
    allowed to reveal who said why. Journaled like identifier_reveal (never the value)."""
    from caseledger.customers.queries import contact_masked

    customer = point.customer
    require(actor, Perm.CUSTOMER_REVEAL, customer.department_id)
    reason = clean_reason(reason, required=True)
    with write_transaction():
        current = ContactPoint.objects.filter(pk=point.pk).first()
        if current is None:
            raise NotFound(
                _("contact point %(point_id)s does not exist") % {"point_id": point.pk},
                field="contact_point",
            )
        customer = Customer.objects.get(pk=current.customer_id)
        _journal_reveal(
            actor,
            customer,
            reason,
            {
                "field": f"contact_point.{current.kind}",
                "contact_point": current.pk,
                "masked": contact_masked(current.kind, current.value),
            },
        )
    return current.value


def customer_name_reveal(*, actor: User, customer: Customer, reason: str) -> str:
    """A person's full name, which every interface otherwise masks (vault.masking
    .display_name); for someone allowed to reveal who said why. Journaled like the other
    reveals, with the masked name."""
    from caseledger.vault.masking import display_name

    require(actor, Perm.CUSTOMER_REVEAL, customer.department_id)
    reason = clean_reason(reason, required=True)
    with write_transaction():
        current = Customer.objects.filter(pk=customer.pk).first()
        if current is None:
            raise NotFound(
                _("customer %(customer_id)s does not exist") % {"customer_id": customer.pk},
                field="customer",
            )
        _journal_reveal(
            actor, current, reason, {"field": "customer.name", "masked": display_name(current)}
        )
    return current.name
