"""Rebuilding the roll-ups from scratch in bulk: the same facts and counts the catch-up
keeps (rollup.py), computed by streaming, so a million cases take minutes, not hours.

1. the first move out of `received` of every case, from the journal's case entries;
2. every case's fact from its row, in id batches (facts.current);
3. repeat flags by walking the facts in customer (and product, category) order;
4. the cubes and the SLA clock tally, summed month by month in received order, written
   with the same upserts.
The journal position is taken first: what is written meanwhile is counted by the catch-up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from caseledger.cases.models import Case
from caseledger.insights import facts as F
from caseledger.insights.models import CaseFact

BATCH = 5_000


def status_moves(progress: Callable[[int], None] | None = None) -> dict[int, dt.datetime]:
    """The first move out of `received` per case, over the whole journal."""
    from caseledger.journal.models import Entry

    out: dict[int, dt.datetime] = {}
    last = 0
    while True:
        rows = list(
            Entry.objects.filter(seq__gt=last, object_type="case")
            .exclude(action="case.create")
            .order_by("seq")
            .values_list("seq", "at", "action", "object_type", "object_id")[:BATCH]
        )
        if not rows:
            return out
        for case_id, at in F.status_moves(rows).items():
            if case_id not in out or at < out[case_id]:
                out[case_id] = at
        last = rows[-1][0]
        if progress:
            progress(0)


def write_facts(moves: dict[int, dt.datetime], progress: Callable[[int], None] | None) -> int:
    last = total = 0
    while True:
        ids = list(
            Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return total
        facts = F.current(ids, {}, moves)
        F.save(facts, removed=[])
        last, total = ids[-1], total + len(ids)
        if progress:
            progress(len(ids))


def _repeats(order: tuple[str, ...], same: Callable[[tuple, tuple], bool]) -> Iterator[int]:
    """The ids of facts with an earlier fact of the same group within the window."""
    window = F.window()
    previous: tuple | None = None
    rows = CaseFact.objects.order_by(*order, "received_at", "case_id").values_list(
        "case_id", *order, "received_at"
    )
    for row in rows.iterator(chunk_size=BATCH):
        if previous is not None and same(previous, row) and row[-1] - previous[-1] <= window:
            yield row[0]
        previous = row


def _mark(ids: Iterable[int], field: str) -> None:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) >= 900:
            CaseFact.objects.filter(case_id__in=chunk).update(**{field: True})
            chunk = []
    if chunk:
        CaseFact.objects.filter(case_id__in=chunk).update(**{field: True})


def mark_repeats() -> None:
    # The previous fact in (group, received, id) order is the latest earlier one: if it is
    # outside the window, every earlier one is too.
    _mark(list(_repeats(("customer_id",), lambda a, b: a[1] == b[1])), "repeat_customer")
    by_product = _repeats(
        ("product", "category"), lambda a, b: a[1] == b[1] and a[2] == b[2] and bool(b[1])
    )
    _mark(list(by_product), "repeat_product")


def write_cubes() -> int:
    """Sum the facts into the cubes one received month at a time (bounded memory)."""
    from caseledger.insights import clocktally, rollup

    month: dt.date | None = None
    pending: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tally: dict[tuple, int] = defaultdict(int)
    rows = 0
    for row in CaseFact.objects.order_by("received_day", "case_id").iterator(chunk_size=BATCH):
        fact = F.from_row(row)
        first = fact.received_day.replace(day=1)
        if month is not None and first != month:
            rows += _flush(pending, rollup.apply)
            clocktally.apply(dict(tally))
            tally.clear()
        month = first
        add = F.contribution(fact)
        for cube in rollup.CUBES:
            counters = pending[rollup.key(cube, fact)]
            for name, value in add.items():
                counters[name] += value
        for k in clocktally.keys(fact):
            tally[k] += 1
    clocktally.apply(dict(tally))
    return rows + _flush(pending, rollup.apply)


def _flush(pending: dict, apply: Callable[[dict[tuple, dict[str, int]]], None]) -> int:
    n = len(pending)
    apply({k: dict(v) for k, v in pending.items()})
    pending.clear()
    return n


def rebuild_all(progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    moves = status_moves(progress)
    cases = write_facts(moves, progress)
    mark_repeats()
    rows = write_cubes()
    return {"cases": cases, "rows": rows}
