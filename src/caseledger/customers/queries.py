"""Customer reads, already scoped to what the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.customers.models import ContactKind, ContactPoint, Customer, Identifier
from caseledger.customers.sealing import contact_index
from caseledger.customers.validation import normalize_contact
from caseledger.holds.restriction import ensure_readable, hide_restricted
from caseledger.vault.masking import contact_masked, mask_email  # noqa: F401  (re-exported)


def customer_list(
    *, actor: User, filters: dict[str, Any] | None = None, with_restricted: bool = False
) -> QuerySet[Customer]:
    """`with_restricted` only for customer_get, which refuses a restricted one by name."""
    require(actor, Perm.CUSTOMER_VIEW)
    filters = filters or {}
    qs = Customer.objects.select_related("department")
    allowed = department_ids(actor, Perm.CUSTOMER_VIEW)
    if allowed is not None:
        qs = qs.filter(department_id__in=allowed)
    if not with_restricted:
        qs = hide_restricted(qs, actor)
    if not filters.get("include_merged"):
        # A merged-away customer lives on in its survivor; it is reached by id only.
        qs = qs.filter(merged_into__isnull=True)
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | _same_contact(q)).distinct()
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


def _same_contact(q: str) -> Q:
    """Customers with a phone or e-mail address equal to what was typed (by blind index:
    contact values are sealed, so a part of a number finds nothing)."""
    same = Q(pk__in=[])
    for kind in (ContactKind.PHONE, ContactKind.EMAIL):
        value, problem = normalize_contact(kind, q)
        if value and not problem:
            same |= Q(
                contact_points__kind=kind, contact_points__blind_index=contact_index(kind, value)
            )
    return same


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def customer_get(*, actor: User, customer_id: int | str) -> Customer:
    qs = customer_list(
        actor=actor, filters={"include_merged": True}, with_restricted=True
    ).prefetch_related("contact_points", "identifiers")
    customer = qs.filter(pk=customer_id).first() if is_id(str(customer_id)) else None
    if customer is None:
        raise NotFound(
            _("customer %(customer_id)s does not exist or is not visible to you")
            % {"customer_id": customer_id},
            field="customer",
        )
    ensure_readable(actor, customer=customer)
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
            _("%(kind)r is not one of %(allowed)s")
            % {"kind": kind, "allowed": ", ".join(IdentifierKind.values)},
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
    visible = customer_list(actor=actor, filters={"include_merged": True}).values("pk")
    identifier = (
        Identifier.objects.select_related("customer")
        .filter(pk=identifier_id, customer__in=visible)
        .first()
        if is_id(str(identifier_id))
        else None
    )
    if identifier is None:
        raise NotFound(
            _("identifier %(identifier_id)s does not exist or is not visible to you")
            % {"identifier_id": identifier_id},
            field="identifier",
        )
    return identifier


def contact_point_get(*, actor: User, point_id: int | str) -> ContactPoint:
    """A contact point of a customer the actor may see (its value still to be masked by
    whoever shows it; revealing it is customers.services.contact_point_reveal)."""
    visible = customer_list(actor=actor, filters={"include_merged": True}).values("pk")
    point = (
        ContactPoint.objects.select_related("customer")
        .filter(pk=point_id, customer__in=visible)
        .first()
        if is_id(str(point_id))
        else None
    )
    if point is None:
        raise NotFound(
            _("contact point %(point_id)s does not exist or is not visible to you")
            % {"point_id": point_id},
            field="contact_point",
        )
    return point


def probable_duplicates(*, actor: User, customer: Customer) -> list[Customer]:
    """Other customers the actor may see that share a phone, an e-mail address (ignoring
    case) or an identifier (by blind index) with this one: probably the same person."""
    same = Q()
    for kind, index in customer.contact_points.filter(
        kind__in=(ContactKind.PHONE, ContactKind.EMAIL)
    ).values_list("kind", "blind_index"):
        same |= Q(contact_points__kind=kind, contact_points__blind_index=index)
    for kind, index in customer.identifiers.values_list("kind", "blind_index"):
        same |= Q(identifiers__kind=kind, identifiers__blind_index=index)
    if not same:
        return []
    qs = customer_list(actor=actor).filter(same).exclude(pk=customer.pk).distinct()
    return list(qs.order_by("pk")[:20])


def merged_from(*, actor: User, customer: Customer) -> QuerySet[Customer]:
    """Customers merged into this one that the actor may see (for the survivor's page)."""
    return customer_list(actor=actor, filters={"include_merged": True}).filter(merged_into=customer)
