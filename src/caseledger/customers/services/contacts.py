"""A customer's contact points: add, change, remove (each a customer change)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import ValidationFailed
from caseledger.core.insert import insert
from caseledger.core.validate import Collector
from caseledger.customers.actions import CustomerAction
from caseledger.customers.models import (
    ContactPoint,
    Customer,
)
from caseledger.customers.sealing import stored_contact
from caseledger.customers.services.records import (
    clean_contact,
    customer_state,
    journal_customer,
    locked_customer,
    touch_customer,
)
from caseledger.journal.services import write_transaction


def contact_point_add(
    *, actor: User, customer: Customer, data: Mapping[str, Any], reason: str = ""
) -> ContactPoint:
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    c = Collector()
    clean = clean_contact(data, c, "")
    c.raise_if_any()
    with write_transaction():
        customer = locked_customer(customer)
        before = customer_state(customer)
        point = insert(
            ContactPoint(
                customer=customer, created_at=clock.now(), **stored_contact(clean, customer.pk)
            )
        )
        touch_customer(customer)
        journal_customer(actor, customer, before, CustomerAction.CONTACT_ADD, reason)
    return point


def contact_point_update(
    *, actor: User, point: ContactPoint, data: Mapping[str, Any], reason: str = ""
) -> ContactPoint:
    customer = point.customer
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    c = Collector()
    current = point.value
    merged = {
        "kind": point.kind,
        "value": current,
        "label": point.label,
        "is_primary": point.is_primary,
        "verified_at": point.verified_at,
        **data,
    }
    clean = clean_contact(merged, c, "")
    c.raise_if_any()
    with write_transaction():
        customer = locked_customer(customer)
        before = customer_state(customer)
        if clean["kind"] == point.kind and clean["value"] == current:
            del clean["value"]  # unchanged: its ciphertext stays (no new nonce, no diff)
        else:
            clean = stored_contact(clean, customer.pk)
        ContactPoint.objects.filter(pk=point.pk).update(**clean)
        touch_customer(customer)
        journal_customer(actor, customer, before, CustomerAction.CONTACT_UPDATE, reason)
    point.refresh_from_db()
    return point


def contact_point_remove(*, actor: User, point: ContactPoint, reason: str) -> None:
    """Removes a contact point from the live record; the journal keeps its history."""
    customer = point.customer
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    if not reason.strip():
        raise ValidationFailed(
            _("a reason is required to remove a contact point"), field="reason", code="required"
        )
    with write_transaction():
        customer = locked_customer(customer)
        before = customer_state(customer)
        ContactPoint.objects.filter(pk=point.pk).delete()
        touch_customer(customer)
        journal_customer(actor, customer, before, CustomerAction.CONTACT_REMOVE, reason)
