"""What `journal verify --records` compares for customers beyond their row (which
journal/reconcile.py compares on its fast path): each customer's contact points and
identifiers, as `customer_state` journals them (ciphertext, key id, blind index and mask:
never plaintext). A phone number changed, or an identifier's ciphertext swapped, inserted or
removed straight in the database is named. Read in one pass per table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from caseledger.customers.models import ContactPoint, Customer, Identifier
from caseledger.journal.reconcile import live_states
from caseledger.journal.reconcile_kinds import Kind

PARTS = ("contact_points", "identifiers")


def _states(model: type[ContactPoint | Identifier]) -> dict[int, list[dict[str, Any]]]:
    """customer id → the states of its rows of `model`, read as plain rows: a
    million-case installation has ~200k customers, and model instances were two thirds of
    this check's time."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for state in live_states(model):
        found[state["customer_id"]].append(state)
    return found


def _parts() -> Iterator[tuple[str, str, dict[str, Any]]]:
    points = _states(ContactPoint)
    identifiers = _states(Identifier)
    for pk in Customer.objects.order_by("pk").values_list("pk", flat=True).iterator():
        # customer_state leaves `identifiers` out while there are none.
        state: dict[str, Any] = {"contact_points": points.pop(pk, [])}
        if pk in identifiers:
            state["identifiers"] = identifiers.pop(pk)
        yield str(pk), str(pk), state
    for pk in sorted(set(points) | set(identifiers)):  # parts of no customer row
        yield (
            str(pk),
            str(pk),
            {"contact_points": points.get(pk, []), "identifiers": identifiers.get(pk)},
        )


def _normal(state: dict[str, Any]) -> dict[str, Any]:
    # None and an empty list are the same; so is a state without the key: an anonymized
    # customer's journaled state is its row alone, its parts deleted.
    return {name: state.get(name) or None for name in PARTS}


def kinds() -> list[Kind]:
    # The row itself is compared by reconcile's fast path; counted there too.
    return [Kind("customer", _parts, keys=PARTS, counted=False, normal=_normal)]
