"""Customer reads, already scoped to what the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.customers.models import Customer, Identifier


def customer_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Customer]:
    require(actor, Perm.CUSTOMER_VIEW)
    filters = filters or {}
    qs = Customer.objects.select_related("department")
    allowed = department_ids(actor, Perm.CUSTOMER_VIEW)
    if allowed is not None:
        qs = qs.filter(department_id__in=allowed)
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(contact_points__value__icontains=q)).distinct()
    if filters.get("department"):
        qs = qs.filter(department_id=filters["department"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("relationship_status"):
        qs = qs.filter(relationship_status=filters["relationship_status"])
    if filters.get("tag"):
        qs = (
            qs.filter(tags__contains=[filters["tag"]])
            if _json_contains()
            else qs.filter(tags__icontains=f'"{filters["tag"]}"')
        )
    return qs.order_by("name", "id")


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def customer_get(*, actor: User, customer_id: int | str) -> Customer:
    qs = customer_list(actor=actor).prefetch_related("contact_points", "identifiers")
    customer = qs.filter(pk=customer_id).first() if str(customer_id).isdigit() else None
    if customer is None:
        raise NotFound(
            f"customer {customer_id} does not exist or is not visible to you", field="customer"
        )
    return customer


def customer_find_by_identifier(*, actor: User, kind: str, value: str) -> QuerySet[Customer]:
    """Customers holding exactly this identifier, found by its blind index (no decryption),
    among those the actor may see."""
    from caseledger.core.errors import ValidationFailed
    from caseledger.customers.models import IdentifierKind
    from caseledger.customers.services import IDENTIFIER_RECORD
    from caseledger.vault.crypto import blind_index
    from caseledger.vault.validators import check_identifier

    if kind not in IdentifierKind.values:
        raise ValidationFailed(
            f"{kind!r} is not one of {', '.join(IdentifierKind.values)}",
            field="kind",
            code="invalid_choice",
        )
    checked = check_identifier(kind, value)
    if checked.errors:
        raise ValidationFailed("; ".join(checked.errors), field="value")
    index = blind_index(checked.value, record=IDENTIFIER_RECORD, field=kind)
    return (
        customer_list(actor=actor)
        .filter(identifiers__kind=kind, identifiers__blind_index=index)
        .distinct()
    )


def identifier_get(*, actor: User, identifier_id: int | str) -> Identifier:
    """An identifier of a customer the actor may see (masked fields only are of use here;
    revealing the value is customers.services.identifier_reveal)."""
    visible = customer_list(actor=actor).values("pk")
    identifier = (
        Identifier.objects.select_related("customer")
        .filter(pk=identifier_id, customer__in=visible)
        .first()
        if str(identifier_id).isdigit()
        else None
    )
    if identifier is None:
        raise NotFound(
            f"identifier {identifier_id} does not exist or is not visible to you",
            field="identifier",
        )
    return identifier
