"""Key rotation: moving every encrypted value to the active key. Dangerous module: a bug
here could leave a value under no key at all, or a journal that no longer rebuilds a record.

Guarantees:
- A value is re-encrypted by decrypting it under its own key and encrypting under the
  active one, and the new ciphertext is decrypted again before it is written.
- A batch of customers is one transaction: the new ciphertexts and one `customer.reencrypt`
  entry per customer (docs/adr/0006-vault.md says why) commit together or not at all. A
  killed run loses at most the batch in flight; progress is the data itself (each value's
  key id), so a new run continues with whatever is still under an old key.
- The state journaled for each customer is exactly `customers.services.customer_state`.
  It is built from a few prefetching queries per batch instead of several per customer;
  the first customer of every batch is checked against `customer_state` itself, before and
  after, and if the prefetched form ever drifts from it the batch falls back to calling
  `customer_state` for every customer (slower, never wrong).
- Old keys are never removed here. The blind-index key is not rotated (vault/keys.py).

The encrypted fields here are customers' identifiers and contact points
(customers.models.Identifier, ContactPoint; one `customer.reencrypt` entry per customer
for both), so rotation lives with them, in customers (it was vault/services.py: the vault stands below
every app that encrypts, docs/adr/0011-floors.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import ValidationFailed
from caseledger.core.state import diff, plain
from caseledger.customers.actions import CustomerAction
from caseledger.vault import crypto
from caseledger.vault.holders import Moved
from caseledger.vault.keys import KeyRing, load

log = logging.getLogger(__name__)

DEFAULT_BATCH = 500
MAX_BATCH = 5000  # one transaction holds the journal head; keep other writers' wait short


@dataclass(frozen=True)
class BatchResult:
    to_key: str
    values: int = 0
    customers: int = 0
    from_keys: dict[str, int] = field(default_factory=dict)
    # The highest customer id this batch looked at: the next batch starts after it.
    last_customer: int = 0
    exact_fallback: bool = False


def vault_reencrypt_batch(
    *, actor: Any, batch_size: int = DEFAULT_BATCH, after_customer: int = 0
) -> BatchResult:
    """Re-encrypt the values of up to `batch_size` customers with id > `after_customer`
    that still have values under an old key. `actor=None` is the system (`caseledger keys
    rotate`). A result with no customers means none are left past `after_customer`."""
    from caseledger.customers.models import ContactPoint, Identifier
    from caseledger.journal.services import append_many, write_transaction

    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    if not 1 <= batch_size <= MAX_BATCH:
        raise ValidationFailed(
            _("must be between 1 and %(max)s") % {"max": MAX_BATCH}, field="batch_size"
        )
    ring = load()
    # Every journaled write takes the journal head first (write_transaction), so while this
    # transaction holds it no service can change these customers: no row locks needed.
    # Legal holds do not stop rotation: the values stay the same, only their key changes.
    with write_transaction():
        customer_ids = sorted(
            {
                customer_id
                for model in (Identifier, ContactPoint)
                for customer_id in model.objects.filter(customer_id__gt=after_customer)
                .exclude(key_id=ring.active_id)
                .order_by("customer_id")
                .values_list("customer_id", flat=True)
                .distinct()[:batch_size]
            }
        )[:batch_size]
        if not customer_ids:
            return BatchResult(to_key=ring.active_id, last_customer=after_customer)
        batch = _Batch(customer_ids, ring)
        exact = batch.matches_customer_state(customer_ids[0], before=True)
        if not exact:
            log.warning(
                "batched key rotation: customer_state differs from the prefetched state; "
                "this batch uses customer_state per customer (slower). Update "
                "caseledger/customers/rotation.py."
            )
            batch.use_customer_state(after=False)
        batch.reencrypt()
        batch.write()
        if not exact:
            batch.use_customer_state(after=True)
        elif not batch.matches_customer_state(customer_ids[0], before=False):
            raise RuntimeError(  # rolls the batch back: better no rotation than a bad journal
                f"key rotation: the journaled state of customer {customer_ids[0]} would differ "
                "from customer_state; nothing was changed"
            )
        append_many(actor=actor, changes=batch.changes())
    return BatchResult(
        to_key=ring.active_id,
        values=sum(batch.moved.values()),
        customers=len(customer_ids),
        from_keys=batch.moved,
        last_customer=customer_ids[-1],
        exact_fallback=not exact,
    )


class _Batch:
    """The customers of one batch, their state before and after, prefetched in bulk."""

    def __init__(self, customer_ids: list[int], ring: KeyRing) -> None:
        from caseledger.customers.models import ContactPoint, Customer, Identifier

        self.ids = customer_ids
        self.ring = ring
        self.moved: dict[str, int] = {}  # old key id -> values moved off it
        self.before = {
            state["id"]: state
            for state in _states(Customer, Customer.objects.filter(pk__in=self.ids))
        }
        points = _states(ContactPoint, ContactPoint.objects.filter(customer_id__in=self.ids))
        identifiers = _states(Identifier, Identifier.objects.filter(customer_id__in=self.ids))
        for state in self.before.values():
            state["contact_points"] = []
        for point in points:
            self.before[point["customer_id"]]["contact_points"].append(point)
        for identifier in identifiers:
            self.before[identifier["customer_id"]].setdefault("identifiers", []).append(identifier)
        self.after: dict[int, dict[str, Any]] = {}
        self.exact = True  # False once before/after come from customer_state itself
        self.updates: list[tuple[str, str, int]] = []
        self.point_updates: list[tuple[str, str, int]] = []

    def use_customer_state(self, *, after: bool) -> None:
        from caseledger.customers.models import Customer
        from caseledger.customers.services import customer_state

        self.exact = False
        states = {c.pk: customer_state(c) for c in Customer.objects.filter(pk__in=self.ids)}
        if after:
            self.after = states
        else:
            self.before = states

    def matches_customer_state(self, customer_id: int, *, before: bool) -> bool:
        from caseledger.customers.models import Customer
        from caseledger.customers.services import customer_state

        expected = (self.before if before else self.after)[customer_id]
        return customer_state(Customer.objects.get(pk=customer_id)) == expected

    def reencrypt(self) -> None:
        from caseledger.customers.sealing import CONTACT_RECORD, customer_owner
        from caseledger.customers.services import IDENTIFIER_RECORD

        for customer_id in self.ids:
            before = self.before[customer_id]
            after = dict(before)
            fresh = self._moved(
                before.get("identifiers", ()),
                IDENTIFIER_RECORD,
                customer_owner(customer_id),
                self.updates,
            )
            if fresh:
                after["identifiers"] = fresh
            after["contact_points"] = self._moved(
                before["contact_points"],
                CONTACT_RECORD,
                customer_owner(customer_id),
                self.point_updates,
            )
            self.after[customer_id] = after

    def _moved(
        self, rows: Any, record: str, owner: str, updates: list[tuple[str, str, int]]
    ) -> list[dict[str, Any]]:
        """The states of `rows` (identifiers or contact points, each sealed under the field
        of its kind) with every value under an old key re-encrypted under the active one."""
        active = self.ring.active_id
        fresh = []
        for row in rows:
            if row["key_id"] != active:
                where = {"record": record, "field": row["kind"], "owner": owner}
                token = crypto.reencrypt(row["ciphertext"], ring=self.ring, **where)
                updates.append((token, active, row["id"]))
                self.moved[row["key_id"]] = self.moved.get(row["key_id"], 0) + 1
                row = {**row, "ciphertext": token, "key_id": active}
            fresh.append(row)
        return fresh

    def write(self) -> None:
        from caseledger.customers.models import ContactPoint, Identifier

        with connection.cursor() as cursor:
            for model, updates in ((Identifier, self.updates), (ContactPoint, self.point_updates)):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.executemany(
                    f"UPDATE {table} SET ciphertext = %s, key_id = %s WHERE id = %s", updates
                )

    def changes(self) -> list[Any]:
        from caseledger.journal.services import Change

        reason = f"key rotation to vault key {self.ring.active_id}"
        return [
            Change(
                action=CustomerAction.REENCRYPT,
                object_type="customer",
                object_id=str(customer_id),
                state=self.after[customer_id],
                changes=self._changes(customer_id),
                reason=reason,
            )
            for customer_id in self.ids
        ]

    def _changes(self, customer_id: int) -> dict[str, Any]:
        """What customers.services._journal records: `diff(before, after)`. When the
        batch built `after` itself only the identifiers differ, so that is the diff."""
        before, after = self.before[customer_id], self.after[customer_id]
        if self.exact:
            return {
                name: [before[name], after[name]]
                for name in ("contact_points", "identifiers")
                if name in before and before[name] != after[name]
            }
        return diff(before, after)


def _states(model: Any, query: Any) -> Iterable[dict[str, Any]]:
    """`core.state.model_state` of each row, ordered by id, without building model
    instances: values_list applies the same field converters a model instance gets, and
    `plain` is applied only where it can change a value (it returns text, numbers,
    booleans and None as they are)."""
    names = [f.attname for f in model._meta.concrete_fields]
    convert = [f.attname for f in model._meta.concrete_fields if not _scalar(f)]
    for row in query.order_by("id").values_list(*names):
        state = dict(zip(names, row, strict=True))
        for name in convert:
            state[name] = plain(state[name])
        yield state


_SCALAR_FIELDS = (
    models.CharField, models.TextField, models.IntegerField, models.BooleanField,
    models.FloatField,
)  # fmt: skip


def _scalar(field: Any) -> bool:
    """Whether the field's Python values are text, numbers, booleans or None."""
    if isinstance(field, models.ForeignKey):
        return _scalar(field.target_field)
    return isinstance(field, _SCALAR_FIELDS) and not isinstance(field, models.JSONField)


class IdentifierHolder:
    """The customers' identifiers and contact points as a vault key holder (vault.holders):
    one record is one customer, journaled as `customer.reencrypt`."""

    name = "customers"

    def counts(self) -> dict[str, int]:
        from django.db.models import Count

        from caseledger.customers.models import ContactPoint, Identifier

        counts: dict[str, int] = {}
        for model in (Identifier, ContactPoint):
            for row in model.objects.values("key_id").annotate(n=Count("id")):
                counts[row["key_id"]] = counts.get(row["key_id"], 0) + row["n"]
        return counts

    def rotate_batch(self, *, actor: Any, batch_size: int, after: int) -> Moved:
        result = vault_reencrypt_batch(actor=actor, batch_size=batch_size, after_customer=after)
        return Moved(
            values=result.values,
            records=result.customers,
            last=result.last_customer,
            from_keys=result.from_keys,
            exact_fallback=result.exact_fallback,
        )
