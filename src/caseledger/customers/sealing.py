"""A contact point's value sealed like an identifier (vault.crypto): the phone number,
e-mail address or postal address is stored only as ciphertext, a blind index to find
equal values and the mask every screen shows. Dangerous module: a mistake here leaks or
loses a customer's way to be reached.

Guarantees:
- The ciphertext is bound to its record kind (`customer.contact`), its kind of contact
  (`phone`, `email`, `address`) and its customer (`customer:42`): copied to another
  customer or another kind, it does not decrypt. A merge that moves a point re-seals it.
- The blind index is over the value as it is compared: a phone in E.164, an e-mail
  address in lower case, an address folded (NFKC, case, spaces), so the intake, the phone
  screen, the duplicate check and a search by exact value find it without decrypting.
- The plaintext is returned only by `opened`, for the one purpose that needs it (sending
  mail, a reveal, the data subject's own copy); nothing here logs or raises it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from caseledger.vault import crypto
from caseledger.vault.keys import KeyRing
from caseledger.vault.masking import contact_masked

CONTACT_RECORD = "customer.contact"


def customer_owner(customer_id: int) -> str:
    """The record a customer's sealed values (contact points, identifiers) are bound to, in
    vault.crypto's associated data."""
    return f"customer:{customer_id}"


def folded(kind: str, value: str) -> str:
    """The value as two equal contact points compare (the blind index's input)."""
    if kind == "email":
        return value.strip().lower()
    if kind == "address":
        return " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    return value.strip()


def contact_index(kind: str, value: str, ring: KeyRing | None = None) -> str:
    return crypto.blind_index(folded(kind, value), record=CONTACT_RECORD, field=kind, ring=ring)


def sealed_contact(
    kind: str, value: str, customer_id: int, ring: KeyRing | None = None
) -> dict[str, Any]:
    """The stored columns of a contact point holding `value` (normalized already)."""
    ciphertext = crypto.encrypt(
        value, record=CONTACT_RECORD, field=kind, owner=customer_owner(customer_id), ring=ring
    )
    return {
        "ciphertext": ciphertext,
        "key_id": crypto.key_id_of(ciphertext),
        "blind_index": contact_index(kind, value, ring),
        "masked": contact_masked(kind, value),
    }


def opened(kind: str, ciphertext: str, customer_id: int, ring: KeyRing | None = None) -> str:
    """The plaintext of a sealed contact point (refused if it was altered or moved)."""
    return crypto.decrypt(
        ciphertext, record=CONTACT_RECORD, field=kind, owner=customer_owner(customer_id), ring=ring
    )


def stored_contact(
    clean: dict[str, Any], customer_id: int, ring: KeyRing | None = None
) -> dict[str, Any]:
    """A checked contact point (records.clean_contact: kind, value, label, …) as the
    columns stored: everything but `value`, which is sealed."""
    stored = {k: v for k, v in clean.items() if k != "value"}
    return {**stored, **sealed_contact(clean["kind"], clean["value"], customer_id, ring)}
