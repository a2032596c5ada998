"""Key rotation: moving every encrypted value to the active key. Dangerous module: a bug
here could leave a value under no key at all.

Guarantees: a value is re-encrypted by decrypting it under its own key and encrypting under
the active one, and the new ciphertext is verified by decrypting it again before it is
written. Each batch is one transaction with its journal entries, one `customer.reencrypt`
entry per customer touched (docs/adr/0006-vault.md says why), so an interruption loses at
most the batch in flight and a new run simply continues with what is still under old keys.
Old keys are never removed here.

The encrypted fields today are customer identifiers (customers.models.Identifier).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import ValidationFailed
from caseledger.vault import crypto
from caseledger.vault.keys import KeyRing, load

DEFAULT_BATCH = 500


@dataclass(frozen=True)
class BatchResult:
    to_key: str
    values: int = 0
    customers: int = 0
    from_keys: dict[str, int] = field(default_factory=dict)


def vault_reencrypt_batch(*, actor: Any, batch_size: int = DEFAULT_BATCH) -> BatchResult:
    """Re-encrypt the values of up to `batch_size` customers that still have values under
    an old key. `actor=None` is the system (the `caseledger keys rotate` command)."""
    from caseledger.customers.models import Customer, Identifier
    from caseledger.customers.services import (
        IDENTIFIER_RECORD,
        _journal,
        customer_state,
        identifier_owner,
    )
    from caseledger.journal.services import write_transaction

    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    if batch_size < 1:
        raise ValidationFailed("must be at least 1", field="batch_size")
    ring = load()
    moved: dict[str, int] = {}  # old key id -> values moved off it
    with write_transaction():
        customer_ids = list(
            Identifier.objects.exclude(key_id=ring.active_id)
            .order_by("customer_id")
            .values_list("customer_id", flat=True)
            .distinct()[:batch_size]
        )
        customers = Customer.objects.filter(pk__in=customer_ids).order_by("pk")
        for customer in customers.select_for_update():
            before = customer_state(customer)
            stale = Identifier.objects.filter(customer=customer).exclude(key_id=ring.active_id)
            for identifier in stale.order_by("id"):
                where = {
                    "record": IDENTIFIER_RECORD,
                    "field": identifier.kind,
                    "owner": identifier_owner(customer.pk),
                }
                ciphertext = _reencrypt_checked(identifier.ciphertext, where, ring)
                Identifier.objects.filter(pk=identifier.pk).update(
                    ciphertext=ciphertext, key_id=ring.active_id
                )
                moved[identifier.key_id] = moved.get(identifier.key_id, 0) + 1
            _journal(
                actor,
                customer,
                before,
                "customer.reencrypt",
                f"key rotation to vault key {ring.active_id}",
            )
    return BatchResult(
        to_key=ring.active_id,
        values=sum(moved.values()),
        customers=len(customer_ids),
        from_keys=moved,
    )


def _reencrypt_checked(token: str, where: dict[str, str], ring: KeyRing) -> str:
    plaintext = crypto.decrypt(token, ring=ring, **where)
    fresh = crypto.encrypt(plaintext, ring=ring, **where)
    if crypto.decrypt(fresh, ring=ring, **where) != plaintext:  # never write what won't read
        raise crypto.DecryptionRefused(f"re-encryption of {where['owner']} did not verify")
    return fresh
