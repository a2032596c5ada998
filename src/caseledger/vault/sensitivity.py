"""How sensitive each customer and case field is, in one place (PIPL Art 28 for "sensitive").

public     may be shown to anyone who may see the record
internal   for staff; not for the customer's counterparties
personal   personal information. The values that identify someone on their own (a person's
           name, phone, e-mail, address: MASKED_BY_DEFAULT) are masked on screens, in the API
           and in exports unless revealed. Free text that may mention a person (case subject,
           description, notes) is shown in full to whoever may read the case, because a
           masked complaint cannot be handled; it is never written to logs, and an
           administrator who judges it too revealing raises it to sensitive (below).
sensitive  sensitive personal information: masked everywhere, revealed only with
           Perm.CUSTOMER_REVEAL and a reason, and the reveal journaled. The built-in sensitive
           fields (identifiers) are also encrypted at rest (`must_encrypt`).

An administrator marks more fields sensitive with CASELEDGER_SENSITIVE_FIELDS (settings
SENSITIVE_FIELDS, comma-separated names from FIELDS). Such a field is masked in every
interface (`vault.masking.shown`), but it is NOT encrypted at rest: its column stays plain
text in the database and in backups (docs/operations/privacy.md, "Known limits").
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class Level(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


_I, _P, _S = Level.INTERNAL, Level.PERSONAL, Level.SENSITIVE

# Every concrete field of Customer, ContactPoint, Identifier, Case and CaseNote is named here
# (tests/vault/test_sensitivity.py fails on one that is not), plus the contact point and
# identifier kinds, which carry the level of the value they hold.
FIELDS: dict[str, Level] = {
    "customer.id": _I,
    "customer.kind": _I,
    "customer.name": _P,
    "customer.department": _I,
    "customer.relationship_status": _I,
    "customer.relationship_ended_on": _I,
    "customer.tags": _I,
    "customer.created_at": _I,
    "customer.updated_at": _I,
    "customer.version": _I,
    "customer.restricted_at": _I,
    # Free text written by compliance; may name the person or the reason they asked.
    "customer.restricted_reason": _P,
    "customer.merged_into": _I,
    "customer.merged_at": _I,
    "contact_point.id": _I,
    "contact_point.customer": _I,
    "contact_point.kind": _I,
    # The plaintext (ContactPoint.value decrypts; it is never stored): personal data,
    # sealed at rest all the same (customers/sealing.py) and masked on every screen.
    "contact_point.value": _P,
    "contact_point.ciphertext": _P,
    "contact_point.key_id": _I,
    # A keyed HMAC: matches equal values, reveals nothing without the key.
    "contact_point.blind_index": _I,
    # Already masked (138******78); what every screen shows.
    "contact_point.masked": _P,
    "contact_point.phone": _P,
    "contact_point.email": _P,
    "contact_point.address": _P,
    "contact_point.label": _I,
    "contact_point.is_primary": _I,
    "contact_point.verified_at": _I,
    "contact_point.created_at": _I,
    # Identifiers: specific identity, financial accounts, health, minors (PIPL Art 28).
    "identifier.id": _I,
    "identifier.customer": _I,
    "identifier.kind": _I,
    "identifier.ciphertext": _S,
    "identifier.key_id": _I,
    # A keyed HMAC: matches equal values, reveals nothing without the key.
    "identifier.blind_index": _I,
    # Already masked (1****************X); what every screen shows.
    "identifier.masked": _P,
    "identifier.created_at": _I,
    "identifier.resident_id": _S,
    "identifier.passport": _S,
    "identifier.bank_card": _S,
    "identifier.bank_account": _S,
    "identifier.health": _S,
    "identifier.minor": _S,
    "identifier.other": _S,
    "case.id": _I,
    "case.reference": _I,
    "case.kind": _I,
    "case.channel": _I,
    "case.category": _I,
    "case.subcategory": _I,
    "case.severity": _I,
    "case.priority": _I,
    "case.status": _I,
    "case.department": _I,
    "case.assignee": _I,
    "case.customer": _I,
    # Free text in the customer's or the agent's words: may hold anything about a person.
    "case.subject": _P,
    "case.description": _P,
    "case.customer_request": _P,
    "case.resolution": _P,
    "case.root_cause": _P,
    "case.satisfaction": _I,
    "case.received_at": _I,
    "case.closed_at": _I,
    "case.product_ref": _I,
    "case.order_ref": _I,
    "case.contract_ref": _I,
    "case.created_at": _I,
    "case.updated_at": _I,
    "case.version": _I,
    "case.archived_at": _I,
    "case.restricted_at": _I,
    "case.restricted_reason": _P,
    "case_note.id": _I,
    "case_note.case": _I,
    "case_note.kind": _I,
    "case_note.channel": _I,
    "case_note.body": _P,
    "case_note.author": _I,
    "case_note.created_at": _I,
}

# Personal values that identify someone on their own: masked unless revealed.
MASKED_BY_DEFAULT = frozenset(
    {
        "customer.name",
        "contact_point.value",
        "contact_point.phone",
        "contact_point.email",
        "contact_point.address",
    }
)


def marked_sensitive() -> frozenset[str]:
    """The fields an administrator marked sensitive. A name that is not a field is refused,
    so a typo cannot leave a field unmasked while the administrator believes it is."""
    marked = frozenset(getattr(settings, "SENSITIVE_FIELDS", ()) or ())
    unknown = sorted(marked - FIELDS.keys())
    if unknown:
        raise ImproperlyConfigured(
            f"CASELEDGER_SENSITIVE_FIELDS names unknown fields: {', '.join(unknown)} "
            f"(known: the keys of caseledger.vault.sensitivity.FIELDS, e.g. case.root_cause)"
        )
    return marked


def level_of(field: str) -> Level:
    """A field nobody classified is treated as sensitive: the safe mistake."""
    if field in marked_sensitive():
        return Level.SENSITIVE
    return FIELDS.get(field, Level.SENSITIVE)


def is_marked(field: str) -> bool:
    """Raised to sensitive by the administrator (masked, but not encrypted)."""
    return field in marked_sensitive() and FIELDS.get(field) != Level.SENSITIVE


def must_encrypt(field: str) -> bool:
    """Encrypted at rest: the built-in sensitive fields only (an administrator's mark masks a
    field; it cannot move a plain column into the vault)."""
    return FIELDS.get(field, Level.SENSITIVE) == Level.SENSITIVE
