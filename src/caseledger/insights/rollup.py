"""Keeping the roll-ups: they follow the journal as the search index does (search/indexer).
Dangerous module: a bug here shows wrong figures, or keeps counting erased records.

Guarantees:
- `catch_up` reads the journal entries after the last sequence it consumed, recomputes the
  fact of every case they touch (and of the later cases whose repeat flag that may change),
  applies the difference (new contribution minus old) to every cube, and records the new
  sequence, in one transaction holding the journal's head: nothing is ever recounted, a
  page view never scans the cases, and two runs never interleave.
- `rebuild` empties the facts, the cubes and the SLA tally and consumes the whole journal
  again.
- the SLA panel's clock tally (clocktally.py) follows every fact change made here, and the
  workflow's clock writes through its hook.
- `on_erasure` recomputes the erased cases inside the disposition's own transaction: a
  destroyed case leaves every count at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from caseledger.core import clock
from caseledger.core.erasure import Erasure
from caseledger.insights import clocktally
from caseledger.insights import facts as F
from caseledger.insights.facts import Fact
from caseledger.insights.models import BUCKETS, DIMS, CaseFact, ClockTally, Rollup, RollupState
from caseledger.journal.models import ChainHead, Entry
from caseledger.journal.queries import touched_records
from caseledger.journal.services import lock_head, write_transaction

ENTRY_BATCH = 5_000
# cube: (grain, the fields it keeps). "d" is the full cube (day × every coded field); "m"
# answers the pages, whose periods are whole months, without the product; "p" the product
# panels; "c" the root causes. Each keeps the dashboard's filters (department, channel,
# category) so a filtered page reads only its own rows.
CUBES: dict[str, tuple[str, tuple[str, ...]]] = {
    "d": ("day", tuple(d for d in DIMS if d != "root_cause")),
    "m": ("month", tuple(d for d in DIMS if d not in ("product", "root_cause"))),
    "p": ("month", ("department_id", "channel", "category", "product")),
    "c": ("month", ("department_id", "channel", "category", "root_cause")),
}
COUNTERS = (
    "n",
    "resolved",
    "responded",
    "sat_n",
    "sat_sum",
    "repeat_customer",
    "repeat_product",
    *(f"r{i}" for i in range(BUCKETS)),
    *(f"f{i}" for i in range(BUCKETS)),
)


def key(cube: str, fact: Fact) -> tuple:
    grain, kept = CUBES[cube]
    period = fact.received_day if grain == "day" else fact.received_day.replace(day=1)
    dims = tuple(getattr(fact, d) if d in kept else "" for d in DIMS)
    return (cube, period, *dims, fact.restricted)


def deltas(old: Iterable[Fact], new: Iterable[Fact]) -> dict[tuple, dict[str, int]]:
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sign, group in ((-1, old), (1, new)):
        for fact in group:
            add = F.contribution(fact)
            for cube in CUBES:
                row = out[key(cube, fact)]
                for name, value in add.items():
                    row[name] += sign * value
    return {k: dict(v) for k, v in out.items() if any(v.values())}


def _upsert_sql() -> str:
    table = Rollup._meta.db_table
    keys = ["cube", "period", *DIMS, "restricted"]
    columns = ", ".join(keys + list(COUNTERS))
    marks = ", ".join(["%s"] * (len(keys) + len(COUNTERS)))
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"
    )


def apply(changes: dict[tuple, dict[str, int]]) -> None:
    """Add each row's delta (an upsert: both engines have ON CONFLICT); rows that fall to
    nothing are removed, so the cubes hold only what counts."""
    if not changes:
        return
    params = [[*k, *(d.get(c, 0) for c in COUNTERS)] for k, d in changes.items()]
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(), params)
    Rollup.objects.filter(n=0).delete()


def refresh(case_ids: Iterable[int], moves: dict | None = None) -> int:
    """Recompute the given cases (and the later cases whose repeat flags depend on them),
    and apply the difference. Call inside write_transaction()."""
    ids = set(case_ids)
    if not ids:
        return 0
    before = F.stored(ids)
    now = F.current(ids, before, moves)
    moved = {pk for pk in ids if _place(before.get(pk)) != _place(now.get(pk))}
    placed = [f for pk in moved for f in (before.get(pk), now.get(pk)) if f is not None]
    neighbours = F.later_ids_many(placed)
    before |= F.stored(neighbours - ids)
    # The new facts are stored first, so the repeat look-ups below see the new world.
    F.save(now, removed=[pk for pk in ids if pk not in now])
    after = dict(now)
    again = [
        fact
        for pk in moved | neighbours
        if (fact := now.get(pk) or (before.get(pk) if pk not in ids else None)) is not None
    ]
    after |= F.repeats_many(again)
    F.save({pk: after[pk] for pk in moved | neighbours if pk in after}, removed=[])
    apply(deltas(before.values(), after.values()))
    clocktally.apply(clocktally.deltas(before.values(), after.values()))
    return len(ids)


def _place(fact: Fact | None) -> tuple | None:
    return fact.neighbourhood() if fact is not None else None


def _state() -> RollupState:
    state, _ = RollupState.objects.get_or_create(pk=1)
    return state


def catch_up(*, max_entries: int | None = None) -> dict[str, int]:
    """Consume the journal up to its head (or `max_entries` of it), batch by batch."""
    entries = cases = 0
    while max_entries is None or entries < max_entries:
        if lag()["entries"] <= 0:  # a plain read first: nothing new takes no write lock
            break
        with write_transaction():
            head = lock_head().seq
            state = _state()
            if state.seq >= head:
                break
            room = ENTRY_BATCH if max_entries is None else min(ENTRY_BATCH, max_entries - entries)
            upto = min(head, state.seq + room)
            rows = list(
                Entry.objects.filter(seq__gt=state.seq, seq__lte=upto).values_list(
                    "seq", "at", "action", "object_type", "object_id", "root"
                )
            )
            changed, customers = touched_records((r[3], r[4], r[5]) for r in rows)
            if customers:
                changed |= set(
                    CaseFact.objects.filter(customer_id__in=customers).values_list(
                        "case_id", flat=True
                    )
                )
                from caseledger.cases.models import Case

                changed |= set(
                    Case.objects.filter(customer_id__in=customers).values_list("id", flat=True)
                )
            moves = F.status_moves([r[:5] for r in rows])
            cases += refresh(changed, moves)
            entries += upto - state.seq
            state.seq = upto
            state.updated_at = clock.now()
            state.save(update_fields=["seq", "updated_at"])
    return {"entries": entries, "cases": cases}


def rebuild(*, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Empty the facts and cubes and count every case again (bulk.py), in one transaction
    holding the journal's head; then catch up with what was written since."""
    from caseledger.insights import bulk

    with write_transaction():
        head = lock_head().seq
        Rollup.objects.all().delete()
        ClockTally.objects.all().delete()
        CaseFact.objects.all().delete()
        done = bulk.rebuild_all(progress)
        state = _state()
        state.seq = head
        state.updated_at = state.rebuilt_at = clock.now()
        state.save()
    return {**done, "from_seq": head, "caught_up": catch_up()}


def lag() -> dict[str, Any]:
    """How far the roll-ups are behind the journal, in entries and seconds."""
    head = ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    seq = RollupState.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    age = None
    if seq < head:
        oldest = Entry.objects.filter(seq=seq + 1).values_list("at", flat=True).first()
        age = round((clock.now() - oldest).total_seconds(), 1) if oldest else None
    return {"rolled_seq": seq, "journal_seq": head, "entries": head - seq, "seconds": age}


def follow_if_close(limit: int = 500) -> None:
    """Before a page: a small lag is caught up at once, so what was just written counts;
    a large one is left to the worker rather than stall the request."""
    now = lag()
    if 0 < now["entries"] <= limit:
        catch_up(max_entries=limit)


def on_erasure(request: Erasure) -> None:
    """core.erasure handler: erased cases (and the erased customers' cases) are recounted
    in the disposing transaction."""
    from caseledger.cases.models import Case

    ids = set(request.case_ids)
    if request.customer_ids:
        ids |= set(
            CaseFact.objects.filter(customer_id__in=request.customer_ids).values_list(
                "case_id", flat=True
            )
        )
        ids |= set(
            Case.objects.filter(customer_id__in=request.customer_ids).values_list("id", flat=True)
        )
    refresh(ids)
