"""The SLA panel's tally: clocks counted by received month × department × category ×
channel × restriction × clock kind × state, so the panel sums a few hundred rows instead of
joining every clock of the period to its case (issue 15).
Dangerous module: a bug here shows wrong SLA figures, or keeps counting erased records.

Guarantees:
- every ClockTally row is the sum, over the stored case facts (CaseFact), of their clocks
  (`Fact.clocks`, the (kind, state) pairs last read from the workflow's CaseClock rows);
  every change applies the difference of the old facts and the new ones, never a recount;
- a case's fields, restriction or removal reach the tally with its fact, by the roll-ups'
  own roads (rollup.refresh: the journal catch-up, erasure; rebuild through bulk.py);
- a clock written or moved on without a journal entry (the workflow's store_clocks and the
  sweep's advance with time) reaches it through the hook workflow.clocks_stored, inside the
  writing transaction: `on_clocks` re-reads those cases' clocks and applies the difference,
  with the fields of their stored facts. A case without a fact yet is counted when the
  catch-up makes its fact (which reads its clocks then).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace

from django.db import connection

from caseledger.insights import facts as F
from caseledger.insights.facts import Fact
from caseledger.insights.models import CaseFact, ClockTally

# tally: the fields it keeps besides the month, department and restriction. "s" answers a
# page filtered by category or channel; "a" (without them) the unfiltered page, in a
# fraction of the rows.
TALLIES: dict[str, tuple[str, ...]] = {"s": ("category", "channel"), "a": ()}
KEY = ("tally", "period", "department_id", "category", "channel", "restricted", "kind", "state")
CHUNK = 500


def keys(fact: Fact) -> Iterator[tuple]:
    """The tally rows one case's clocks count in, once per clock."""
    period = fact.received_day.replace(day=1)
    for tally, kept in TALLIES.items():
        category = fact.category if "category" in kept else ""
        channel = fact.channel if "channel" in kept else ""
        for kind, state in fact.clocks:
            yield (
                tally,
                period,
                fact.department_id,
                category,
                channel,
                fact.restricted,
                kind,
                state,
            )


def deltas(old: Iterable[Fact], new: Iterable[Fact]) -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    for sign, group in ((-1, old), (1, new)):
        for fact in group:
            for k in keys(fact):
                out[k] += sign
    return {k: v for k, v in out.items() if v}


def apply(changes: dict[tuple, int]) -> None:
    """Add each row's delta (an upsert, as rollup.apply); rows a decrease brings to nothing
    are removed, so the tally holds only what counts."""
    if not changes:
        return
    table = ClockTally._meta.db_table
    columns = ", ".join((*KEY, "n"))
    marks = ", ".join(["%s"] * (len(KEY) + 1))
    upsert = (
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET n = {table}.n + excluded.n"
    )
    where = " AND ".join(f"{k} = %s" for k in KEY)
    fallen = [list(k) for k, v in changes.items() if v < 0]
    with connection.cursor() as cursor:
        cursor.executemany(upsert, [[*k, v] for k, v in changes.items()])
        if fallen:
            cursor.executemany(f"DELETE FROM {table} WHERE {where} AND n = 0", fallen)


def on_clocks(case_ids: list[int]) -> None:
    """Hook workflow.clocks_stored: the clocks of these cases were rewritten or moved on
    (inside the workflow's transaction). Their facts take the new states; the tally the
    difference."""
    ids = sorted(set(case_ids))
    table = CaseFact._meta.db_table
    for start in range(0, len(ids), CHUNK):
        before = F.stored(ids[start : start + CHUNK])
        if not before:
            continue
        states = F.clock_states(before)
        after = {
            pk: replace(fact, clocks=states.get(pk, ()))
            for pk, fact in before.items()
            if fact.clocks != states.get(pk, ())
        }
        if not after:
            continue
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET clocks = %s WHERE case_id = %s",
                [[F.encode_clocks(f.clocks), pk] for pk, f in after.items()],
            )
        apply(deltas((before[pk] for pk in after), after.values()))
