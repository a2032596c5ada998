"""Every value the vault encrypted, wherever an app keeps it.

Each app that stores vault ciphertext registers a key holder (under KEY_HOLDERS, in its
`AppConfig.ready()`): it counts its values per key and moves a batch of them to the active
key, journaling each record it touches as its own services would. `caseledger keys status`
counts every holder and `caseledger keys rotate` runs every holder, so no value is left
under a key an operator believes retired (the IMAP passwords and the pending identifier
changes were left out when rotation knew only the customers' identifiers).
tests/vault/test_every_value_rotates.py scans every text column for a value still under
an old key after a rotation, so a new holder that is not registered is found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from caseledger.core import hooks
from caseledger.vault.keys import load

KEY_HOLDERS = "vault.key_holders"


@dataclass(frozen=True)
class Moved:
    """One batch of one holder: values re-encrypted, records journaled, the last record id
    looked at (the next batch starts after it), values moved off each old key."""

    values: int = 0
    records: int = 0
    last: int = 0
    from_keys: dict[str, int] = field(default_factory=dict)
    exact_fallback: bool = False


class KeyHolder(Protocol):
    name: str  # what its records are, for the operator: "customers", "mailboxes"

    def counts(self) -> dict[str, int]:
        """Values per key id."""

    def rotate_batch(self, *, actor: Any, batch_size: int, after: int) -> Moved:
        """Move the values of up to `batch_size` records with id > `after` that are still
        under an old key to the active key, in one transaction. No records: none left."""


def holders() -> list[KeyHolder]:
    return [make() for make in hooks.all_of(KEY_HOLDERS)]


@dataclass(frozen=True)
class KeyUsage:
    key_id: str
    values: int
    active: bool
    in_ring: bool  # False: values nobody can decrypt until the key is restored
    created: str
    by_holder: dict[str, int] = field(default_factory=dict)


def key_usage() -> list[KeyUsage]:
    """Per key of the ring (and per key id found in the data but missing from the ring):
    how many values each holder keeps under it."""
    ring = load()
    per_holder = {holder.name: holder.counts() for holder in holders()}
    found = {key_id for counts in per_holder.values() for key_id in counts}
    ids = [*ring.keys, *sorted(found - set(ring.keys))]
    usage = []
    for key_id in ids:
        by_holder = {
            name: counts[key_id] for name, counts in per_holder.items() if key_id in counts
        }
        usage.append(
            KeyUsage(
                key_id=key_id,
                values=sum(by_holder.values()),
                active=key_id == ring.active_id,
                in_ring=key_id in ring.keys,
                created=ring.created.get(key_id, ""),
                by_holder=by_holder,
            )
        )
    return usage


def values_under_old_keys() -> int:
    return sum(u.values for u in key_usage() if not u.active)
