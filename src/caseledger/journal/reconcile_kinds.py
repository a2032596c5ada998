"""Reconciling the records beyond the case and customer rows: people (their roles and the
departments they supervise), API tokens, departments, legal holds (with the cases and
customers they hold), retention schedules, who sees which contact field in full, the
assignment rules, and a customer's contact points and identifiers. Each app registers
its kinds under the hook RECONCILED at start-up (it stands above the journal, ADR 0010):
how to read every live row's state exactly as its services journal it. A row changed, put
in or taken out behind the services' back then differs from its newest journaled state.

Plain and exact rather than fast: these tables are small next to cases (a customer's parts
are read in one pass per table by the customers app).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext_noop

from caseledger.journal.canonical import canonical_json
from caseledger.journal.entry_kinds import GONE, NOT_STATE

RECONCILED = "journal.reconciled_kinds"


@dataclass(frozen=True)
class Kind:
    """One kind of record to reconcile. `live()` yields (object id, label, state) for every
    row, the state as the services journal it. `keys` limits the comparison to those keys
    of the state (the rest is compared elsewhere); `counted` False leaves the kind out of
    the report's counts (it is a part of a record counted already). `new_keys` are keys the
    services journal since a later version: an entry written before holds none of them, and
    they are compared only where the newest entry has them. `ignore` are keys that change
    without an entry by design (a token's last use). `normal`, when given, is applied to
    both sides before they are compared (a customer's parts: none, and a state that does
    not list them, are the same)."""

    object_type: str
    live: Callable[..., Iterable[tuple[str, str, dict[str, Any]]]]  # (suspects) if given
    keys: tuple[str, ...] | None = None
    counted: bool = True
    new_keys: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    normal: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # A cheaper first look, where the kind has one: the ids that may differ (None: all);
    # `live` is then called with that set and yields those rows only.
    suspects: Callable[[], set[str] | None] | None = None
    # Where other entries name the same object type with another body (a department's
    # template adoption), only these actions carry its state (None: every action).
    actions: tuple[str, ...] | None = None
    # Actions that remove the row through its service (an assignment rule deleted).
    removed: tuple[str, ...] = ()


def kinds() -> list[Kind]:
    from caseledger.core import hooks

    found: list[Kind] = []
    for registered in hooks.all_of(RECONCILED):
        found.extend(registered())
    return found


_GONE_MARK = object()


def _newest_states(kind: Kind, among: set[str] | None = None) -> dict[str, Any]:
    """object id → its newest journaled state (a dict, only `kind.keys` of it where given),
    None when it was redacted or holds no state, or _GONE_MARK when an entry says the record
    is gone. Read by object, each one's entries in seq order (the index on object type, id
    and seq), so only the newest body of one record is held at a time."""
    newest: dict[str, Any] = {}
    if among is not None and not among:
        return newest

    def keep(oid: str | None, body: Any) -> None:
        if oid is None or (among is not None and oid not in among):
            return
        if body is _GONE_MARK or body is None:
            newest[oid] = body
            return
        if isinstance(body, bytes | memoryview):
            body = bytes(body).decode()
        state = json.loads(body).get("state")
        if isinstance(state, dict) and kind.keys is not None:
            state = {name: state[name] for name in kind.keys if name in state}
        newest[oid] = state if isinstance(state, dict) else None

    current: str | None = None
    body: Any = None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.object_id, e.action, p.body FROM journal_entry e "
            "LEFT JOIN journal_payload p ON p.entry_id = e.seq "
            "WHERE e.object_type = %s ORDER BY e.object_id, e.seq",
            [kind.object_type],
        )
        while rows := cursor.fetchmany(2000):
            for oid, action, text in rows:
                if oid != current:
                    keep(current, body)
                    current, body = oid, None
                if action in NOT_STATE or (
                    kind.actions is not None
                    and action not in kind.actions
                    and action not in kind.removed
                ):
                    continue
                body = _GONE_MARK if action in GONE or action in kind.removed else text
    keep(current, body)
    return newest


def _compared(state: dict[str, Any], kind: Kind, journaled: dict[str, Any]) -> dict[str, Any]:
    names = set(kind.keys) if kind.keys is not None else set(state) | set(journaled)
    names -= {k for k in kind.new_keys if k not in journaled}
    names -= set(kind.ignore)
    return {name: state.get(name) for name in names}


def _same_types(a: Any, b: Any) -> bool:
    """Whether two equal values are also alike in type all through (so their canonical JSON
    is the same: 1 == 1.0 == True in Python, not in JSON)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return True


def reconcile_kind(kind: Kind, found: Callable[..., None]) -> int:
    """Every live row of `kind` against its newest journaled state; `found(record, label,
    drift kind, msgid, **params)` for each difference. Returns how many rows were read."""
    suspects = kind.suspects() if kind.suspects is not None else None
    newest = _newest_states(kind, suspects)
    checked = 0
    rows = kind.live() if suspects is None else kind.live(suspects)
    for oid, label, state in rows:
        checked += 1
        record = f"{kind.object_type}:{oid}"
        if oid not in newest:
            if kind.keys is None:
                found(record, label, "unjournaled", gettext_noop("the row has no journal history"))
            continue
        journaled = newest.pop(oid)
        if journaled is _GONE_MARK:
            found(record, label, "differs", gettext_noop("the journal says it was destroyed"))
            continue
        if journaled is None:
            continue  # redacted: nothing left to compare with
        if kind.normal is not None:
            state, journaled = kind.normal(state), kind.normal(journaled)
        live_part, then_part = (
            _compared(state, kind, journaled),
            _compared(journaled, kind, journaled),
        )
        # Equal as values first (nearly every record): the canonical texts settle the rest, so
        # a value that equals another only in Python (True and 1) is still told apart.
        if live_part == then_part and _same_types(live_part, then_part):
            continue
        live_text, then_text = canonical_json(live_part), canonical_json(then_part)
        if live_text == then_text:
            continue
        live, then = json.loads(live_text), json.loads(then_text)
        fields = sorted(n for n in set(live) | set(then) if live.get(n) != then.get(n))
        if fields:
            found(
                record,
                label,
                "differs",
                gettext_noop("differs in %(fields)s"),
                fields=", ".join(fields),
            )
    if kind.keys is None:
        for oid, journaled in sorted(newest.items()):
            if journaled is not _GONE_MARK:
                found(
                    f"{kind.object_type}:{oid}",
                    oid,
                    "deleted",
                    gettext_noop(
                        "the journal has it, but its row is gone without a journaled disposal"
                    ),
                )
    return checked
