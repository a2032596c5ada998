"""Journaled looks at sensitive values: an identifier, a contact point, a person's name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    customer_owner,
)
from caseledger.customers.services.records import customer_state
from caseledger.journal.services import record_change, write_transaction
from caseledger.vault import crypto


@dataclass(frozen=True)
class _Found:
    """What a reveal found under the journal's lock: whose value, the value itself, and the
    journal's `extra` (the field and its mask, never the value)."""

    customer: Customer
    value: str
    extra: dict[str, Any]


def _reveal(
    actor: User,
    customer: Customer,
    reason: str,
    find: Callable[[], _Found | None],
    missing: NotFound,
) -> str:
    """The one path of every reveal (identifier, contact point, name): permission, a reason,
    then under the journal's lock the value read fresh (`find`; None: `missing` is raised)
    and journaled first. If the journal entry cannot be written, nothing is revealed."""
    require(actor, Perm.CUSTOMER_REVEAL, customer.department_id)
    reason = clean_reason(reason, required=True)
    with write_transaction():
        found = find()
        if found is None:
            raise missing
        record_change(
            actor=actor,
            action=CustomerAction.REVEAL,
            object_type="customer",
            object_id=str(found.customer.pk),
            after=customer_state(found.customer),
            reason=reason,
            extra=found.extra,
        )
    return found.value


def identifier_reveal(*, actor: User, identifier: Identifier, reason: str) -> str:
    """The plaintext, for someone allowed to see it and who said why. Journaled first: if
    the journal entry cannot be written, nothing is revealed."""

    def find() -> _Found | None:
        current = Identifier.objects.filter(pk=identifier.pk).first()
        if current is None:
            return None
        plaintext = crypto.decrypt(
            current.ciphertext,
            record=IDENTIFIER_RECORD,
            field=current.kind,
            owner=customer_owner(current.customer_id),
        )
        extra = {
            "field": f"identifier.{current.kind}",
            "identifier": current.pk,
            "masked": current.masked,
        }
        # fresh, for the state
        return _Found(Customer.objects.get(pk=current.customer_id), plaintext, extra)

    gone = _("identifier %(identifier_id)s does not exist") % {"identifier_id": identifier.pk}
    return _reveal(actor, identifier.customer, reason, find, NotFound(gone, field="identifier"))


def contact_point_reveal(*, actor: User, point: ContactPoint, reason: str) -> str:
    """The full value of a contact point, which every interface otherwise masks; for someone
    allowed to reveal who said why. Journaled like identifier_reveal (never the value)."""

    def find() -> _Found | None:
        current = ContactPoint.objects.filter(pk=point.pk).first()
        if current is None:
            return None
        extra = {
            "field": f"contact_point.{current.kind}",
            "contact_point": current.pk,
            "masked": current.masked,
        }
        return _Found(Customer.objects.get(pk=current.customer_id), current.value, extra)

    gone = _("contact point %(point_id)s does not exist") % {"point_id": point.pk}
    return _reveal(actor, point.customer, reason, find, NotFound(gone, field="contact_point"))


def customer_name_reveal(*, actor: User, customer: Customer, reason: str) -> str:
    """A person's full name, which every interface otherwise masks (vault.masking
    .display_name); for someone allowed to reveal who said why. Journaled like the other
    reveals, with the masked name."""
    from caseledger.vault.masking import display_name

    def find() -> _Found | None:
        current = Customer.objects.filter(pk=customer.pk).first()
        if current is None:
            return None
        extra = {"field": "customer.name", "masked": display_name(current)}
        return _Found(current, current.name, extra)

    gone = _("customer %(customer_id)s does not exist") % {"customer_id": customer.pk}
    return _reveal(actor, customer, reason, find, NotFound(gone, field="customer"))
