"""How sensitive each customer field is, in one place (PIPL Art 28 for "sensitive").

public     may be shown to anyone who may see the record
internal   for staff; not for the customer's counterparties
personal   personal information: masked on screens and in the API by default
sensitive  sensitive personal information: encrypted at rest, masked everywhere,
           revealed only with Perm.CUSTOMER_REVEAL and a reason, and the reveal journaled
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


FIELDS: dict[str, Level] = {
    "customer.kind": Level.INTERNAL,
    "customer.name": Level.PERSONAL,
    "customer.department": Level.INTERNAL,
    "customer.relationship_status": Level.INTERNAL,
    "customer.relationship_ended_on": Level.INTERNAL,
    "customer.tags": Level.INTERNAL,
    "contact_point.phone": Level.PERSONAL,
    "contact_point.email": Level.PERSONAL,
    "contact_point.address": Level.PERSONAL,
    # Identifiers: specific identity, financial accounts, health, minors (PIPL Art 28).
    "identifier.resident_id": Level.SENSITIVE,
    "identifier.passport": Level.SENSITIVE,
    "identifier.bank_card": Level.SENSITIVE,
    "identifier.bank_account": Level.SENSITIVE,
    "identifier.health": Level.SENSITIVE,
    "identifier.minor": Level.SENSITIVE,
    "identifier.other": Level.SENSITIVE,
}


def level_of(field: str) -> Level:
    """A field nobody classified is treated as sensitive: the safe mistake."""
    return FIELDS.get(field, Level.SENSITIVE)


def must_encrypt(field: str) -> bool:
    return level_of(field) == Level.SENSITIVE
