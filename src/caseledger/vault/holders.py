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

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from caseledger.core import hooks
from caseledger.core.access import require
from caseledger.core.permissions import Perm
from caseledger.vault import crypto
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


@dataclass(frozen=True)
class SealedColumn:
    """A key holder for rows that keep one sealed value in a text column (an IMAP password,
    a webhook secret, a proposed identifier): the app says where the value is, how a row
    is named to the vault and how it journals a row it moved; counting, batching and the
    checked re-sealing are done here, once. The vault stands below the journal, so the app
    hands in its write transaction and its journaling."""

    name: str
    rows: Callable[[], Any]  # the model's rows that may hold a value (a QuerySet)
    column: str
    where: Callable[[Any], dict[str, str]]  # a row -> crypto's record, field and owner
    state: Callable[[Any], dict[str, Any]]  # a row's journaled state
    journal: Callable[..., None]  # (actor, row, before, reason): record the move
    transaction: Callable[[], AbstractContextManager[Any]]
    key_column: str = ""  # a column that names the value's key too, kept in step

    def _sealed(self) -> Any:
        return self.rows().exclude(**{self.column: ""})

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for token in self._sealed().values_list(self.column, flat=True):
            key_id = crypto.key_id_of(token)
            counts[key_id] = counts.get(key_id, 0) + 1
        return counts

    def rotate_batch(self, *, actor: Any, batch_size: int, after: int) -> Moved:
        if actor is not None:
            require(actor, Perm.SETTINGS_MANAGE)
        ring = load()
        moved: dict[str, int] = {}
        last = after
        with self.transaction():
            # A few rows of each kind: the key id is read from the value, not filtered on.
            stale = [
                row
                for row in self._sealed().filter(pk__gt=after).order_by("pk")
                if crypto.key_id_of(getattr(row, self.column)) != ring.active_id
            ][:batch_size]
            for row in stale:
                before = self.state(row)
                old = crypto.key_id_of(getattr(row, self.column))
                sealed = crypto.reencrypt(getattr(row, self.column), ring=ring, **self.where(row))
                setattr(row, self.column, sealed)
                changed = [self.column]
                if self.key_column:
                    setattr(row, self.key_column, ring.active_id)
                    changed.append(self.key_column)
                row.save(update_fields=changed)
                self.journal(actor, row, before, f"key rotation to vault key {ring.active_id}")
                moved[old] = moved.get(old, 0) + 1
                last = row.pk
        return Moved(values=len(stale), records=len(stale), last=last, from_keys=moved)


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
