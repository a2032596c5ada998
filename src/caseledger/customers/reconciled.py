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
from caseledger.journal.reconcile import (
    live_states,
    sqlite_grouped_states,
    sqlite_newest_parts,
)
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


def _parts(among: set[str] | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if among is not None and not among:
        return  # the first look found every customer's parts as journaled
    points = _states(ContactPoint)
    identifiers = _states(Identifier)
    for pk in Customer.objects.order_by("pk").values_list("pk", flat=True).iterator():
        if among is not None and str(pk) not in among:
            points.pop(pk, None)
            identifiers.pop(pk, None)
            continue
        # customer_state leaves `identifiers` out while there are none.
        state: dict[str, Any] = {"contact_points": points.pop(pk, [])}
        if pk in identifiers:
            state["identifiers"] = identifiers.pop(pk)
        yield str(pk), str(pk), state
    for pk in sorted(set(points) | set(identifiers)):  # parts of no customer row
        if among is None or str(pk) in among:
            yield (
                str(pk),
                str(pk),
                {"contact_points": points.get(pk, []), "identifiers": identifiers.get(pk)},
            )


def _suspects() -> set[str] | None:
    """The customers whose parts may differ from their newest journaled state, by comparing
    canonical texts SQLite builds on both sides (at 1M cases, reading and comparing every
    customer's parts in Python took ~20 s); None where there is no such first look."""
    live_points = sqlite_grouped_states(ContactPoint, "customer")
    live_identifiers = sqlite_grouped_states(Identifier, "customer")
    journaled = sqlite_newest_parts("customer", tuple(f"$.state.{name}" for name in PARTS))
    if live_points is None or live_identifiers is None or journaled is None:
        return None
    suspects = {oid for oid, texts in journaled.items() if texts is None}
    for oid in set(journaled) | set(live_points) | set(live_identifiers):
        texts = journaled.get(oid)
        then = tuple(_empty_as_none(t) for t in texts) if texts else (None, None)
        if then != (live_points.get(oid), live_identifiers.get(oid)):
            suspects.add(oid)
    return suspects


def _empty_as_none(text: str | None) -> str | None:
    return None if text in (None, "[]") else text


def _normal(state: dict[str, Any]) -> dict[str, Any]:
    # None and an empty list are the same; so is a state without the key: an anonymized
    # customer's journaled state is its row alone, its parts deleted.
    return {name: state.get(name) or None for name in PARTS}


def kinds() -> list[Kind]:
    # The row itself is compared by reconcile's fast path; counted there too.
    return [Kind("customer", _parts, keys=PARTS, counted=False, normal=_normal, suspects=_suspects)]
