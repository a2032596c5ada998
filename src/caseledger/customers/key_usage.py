"""What the vault holds: how many values are under each key. The values are customer
identifiers, so this lives in customers (it was vault/queries.py, ADR 0011)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from caseledger.vault.keys import load


@dataclass(frozen=True)
class KeyUsage:
    key_id: str
    values: int
    active: bool
    in_ring: bool  # False: values nobody can decrypt until the key is restored
    created: str


def key_usage() -> list[KeyUsage]:
    from caseledger.customers.models import Identifier

    ring = load()
    counts = dict(
        Identifier.objects.values_list("key_id").annotate(n=Count("id")).values_list("key_id", "n")
    )
    ids = [*ring.keys, *sorted(set(counts) - set(ring.keys))]
    return [
        KeyUsage(
            key_id=k,
            values=counts.get(k, 0),
            active=k == ring.active_id,
            in_ring=k in ring.keys,
            created=ring.created.get(k, ""),
        )
        for k in ids
    ]


def values_under_old_keys() -> int:
    from caseledger.customers.models import Identifier

    return Identifier.objects.exclude(key_id=load().active_id).count()
