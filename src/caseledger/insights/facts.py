"""What each case contributes to the roll-ups, computed from its current row (and, for the
first response, the journal): the pure part of the roll-ups.

Definitions, the same on every page, export and report:
- a case counts on the day it was received (local time, CASELEDGER_TIME_ZONE);
- resolution time: received → closed, in calendar hours, for cases closed now;
- first response: the first note to the customer, or the first move out of `received`,
  whichever came first (as the workflow's first-response clock counts it);
- restricted: the case or its customer is restricted (PIPL Art 47);
- a repeat: another case of the same customer (or the same product and category) was
  received within INSIGHTS_REPEAT_DAYS before it;
- clocks: the (kind, state) of each of the case's clocks as the workflow last stored them
  (CaseClock), counted by the SLA panel's tally (clocktally.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from caseledger.cases.models import Case, CaseNote
from caseledger.core.ids import is_id
from caseledger.insights.models import (
    DIMS,
    FIRST_RESPONSE_EDGES,
    RESOLUTION_EDGES,
    CaseFact,
)
from caseledger.journal.models import Payload
from caseledger.workflow.models import CaseClock

FIELDS = (
    "received_day",
    *DIMS,
    "restricted",
    "customer_id",
    "assignee_id",
    "received_at",
    "resolution_hours",
    "first_response_at",
    "satisfaction",
    "repeat_customer",
    "repeat_product",
)


@dataclass(frozen=True)
class Fact:
    case_id: int
    received_day: dt.date
    department_id: int
    kind: str
    channel: str
    category: str
    product: str
    severity: str
    status: str
    root_cause: str
    restricted: bool
    customer_id: int
    assignee_id: int | None
    received_at: dt.datetime
    resolution_hours: float | None
    first_response_at: dt.datetime | None
    satisfaction: int | None
    repeat_customer: bool = False
    repeat_product: bool = False
    clocks: tuple[tuple[str, str], ...] = ()  # (kind, state), by kind

    @property
    def first_response_hours(self) -> float | None:
        if self.first_response_at is None:
            return None
        return max(0.0, (self.first_response_at - self.received_at).total_seconds() / 3600)

    def neighbourhood(self) -> tuple:
        """What the repeat flags of this case and of later ones depend on."""
        return (self.customer_id, self.product, self.category, self.received_at)


def bucket(hours: float, edges: tuple[int, ...]) -> int:
    return bisect.bisect_right(edges, hours) if hours >= 0 else 0


def resolution_bucket(hours: float) -> int:
    return bucket(hours, RESOLUTION_EDGES)


def first_response_bucket(hours: float) -> int:
    return bucket(hours, FIRST_RESPONSE_EDGES)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def from_row(row: CaseFact) -> Fact:
    values: dict[str, Any] = {name: getattr(row, name) for name in FIELDS}
    return Fact(row.case_id, **values, clocks=decode_clocks(row.clocks))


def encode_clocks(clocks: tuple[tuple[str, str], ...]) -> str:
    return ",".join(f"{kind}={state}" for kind, state in clocks)


def decode_clocks(text: str) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    return tuple(
        (kind, state) for kind, _eq, state in (item.rpartition("=") for item in text.split(","))
    )


def clock_states(case_ids: Iterable[int]) -> dict[int, tuple[tuple[str, str], ...]]:
    """The stored clock states of these cases, (kind, state) by kind: one indexed query."""
    found: dict[int, list[tuple[str, str]]] = {}
    rows = CaseClock.objects.filter(case_id__in=list(case_ids)).values_list(
        "case_id", "kind", "state"
    )
    for case_id, kind, state in rows:
        found.setdefault(case_id, []).append((kind, state))
    return {pk: tuple(sorted(pairs)) for pk, pairs in found.items()}


def stored(case_ids: Iterable[int]) -> dict[int, Fact]:
    return {r.case_id: from_row(r) for r in CaseFact.objects.filter(case_id__in=list(case_ids))}


def status_moves(entries: list[tuple[int, dt.datetime, str, str, str]]) -> dict[int, dt.datetime]:
    """The first move out of `received` per case among some journal entries
    (seq, at, action, object_type, object_id): read from their payloads' changes."""
    wanted = {
        seq: (at, int(oid))
        for seq, at, action, otype, oid in entries
        if otype == "case" and action != "case.create" and is_id(oid)
    }
    out: dict[int, dt.datetime] = {}
    if not wanted:
        return out
    bodies = Payload.objects.filter(entry_id__in=list(wanted)).values_list("entry_id", "body")
    for seq, body in sorted(bodies):
        if body is None:  # redacted: the stored fact keeps what was seen before
            continue
        change = (json.loads(body).get("changes") or {}).get("status")
        if change and change[0] == "received":
            at, case_id = wanted[seq]
            if case_id not in out or at < out[case_id]:
                out[case_id] = at
    return out


def _first_outbound(case_ids: list[int]) -> dict[int, dt.datetime]:
    rows = (
        CaseNote.objects.filter(case_id__in=case_ids, kind="outbound")
        .values("case_id")
        .annotate(first=Min("created_at"))
        .values_list("case_id", "first")
    )
    return dict(rows)


def current(
    case_ids: Iterable[int],
    before: dict[int, Fact],
    moves: dict[int, dt.datetime] | None = None,
) -> dict[int, Fact]:
    """The facts of the cases as they are now (repeat flags as before; see repeats_many());
    a case that no longer exists is absent."""
    ids = sorted(set(case_ids))
    moves = moves or {}
    rows = Case.objects.filter(pk__in=ids).values(
        "id",
        "department_id",
        "kind",
        "channel",
        "category",
        "product_ref",
        "severity",
        "status",
        "root_cause",
        "restricted_at",
        "customer__restricted_at",
        "customer_id",
        "assignee_id",
        "received_at",
        "closed_at",
        "satisfaction",
    )
    notes = _first_outbound(ids)
    clocks = clock_states(ids)
    out: dict[int, Fact] = {}
    for r in rows:
        pk = r["id"]
        old = before.get(pk)
        seen = [t for t in (old and old.first_response_at, notes.get(pk), moves.get(pk)) if t]
        resolution = None
        if r["status"] == "closed" and r["closed_at"] is not None:
            resolution = max(0.0, (r["closed_at"] - r["received_at"]).total_seconds() / 3600)
        out[pk] = Fact(
            case_id=pk,
            received_day=local_day(r["received_at"]),
            department_id=r["department_id"],
            kind=r["kind"],
            channel=r["channel"],
            category=r["category"],
            product=product_code(r["product_ref"]),
            severity=r["severity"],
            status=r["status"],
            root_cause=root_cause_label(r["root_cause"]),
            restricted=bool(r["restricted_at"] or r["customer__restricted_at"]),
            customer_id=r["customer_id"],
            assignee_id=r["assignee_id"],
            received_at=r["received_at"],
            resolution_hours=resolution,
            first_response_at=min(seen) if seen else None,
            satisfaction=r["satisfaction"],
            repeat_customer=old.repeat_customer if old else False,
            repeat_product=old.repeat_product if old else False,
            clocks=clocks.get(pk, ()),
        )
    return out


def product_code(value: str) -> str:
    """A product reference as a figure shows it. A field an administrator marked sensitive
    never reaches a chart, so it is not kept at all."""
    from caseledger.vault.sensitivity import is_marked, must_encrypt

    if is_marked("case.product_ref") or must_encrypt("case.product_ref"):
        return ""
    return (value or "").strip()[:100]


def root_cause_label(value: str) -> str:
    """A root cause as the "top root causes" panel groups it: its first line, trimmed."""
    from caseledger.vault.sensitivity import is_marked, must_encrypt

    if is_marked("case.root_cause") or must_encrypt("case.root_cause"):
        return ""
    return " ".join((value or "").split())[:100]


def window() -> dt.timedelta:
    return dt.timedelta(days=settings.INSIGHTS_REPEAT_DAYS)


CHUNK = 500


def _nearby(facts: list[Fact], before: dt.timedelta, after: dt.timedelta) -> list[tuple]:
    """Stored facts sharing a customer or a product and category with any of `facts`,
    received between the earliest minus `before` and the latest plus `after`: one query."""
    customers = {f.customer_id for f in facts}
    products = {f.product for f in facts if f.product}
    who = Q(customer_id__in=customers)
    if products:
        who |= Q(product__in=products)
    span = Q(received_at__gte=facts[0].received_at - before) & Q(
        received_at__lte=facts[-1].received_at + after
    )
    return list(
        CaseFact.objects.filter(span & who).values_list(
            "case_id", "customer_id", "product", "category", "received_at"
        )
    )


def _chunks(facts: Iterable[Fact]) -> list[list[Fact]]:
    ordered = sorted(facts, key=lambda f: (f.received_at, f.case_id))
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _groups(rows: list[tuple]) -> tuple[dict, dict]:
    by_customer: dict[int, list[tuple]] = {}
    by_pair: dict[tuple, list[tuple]] = {}
    for row in rows:
        by_customer.setdefault(row[1], []).append(row)
        if row[2]:
            by_pair.setdefault((row[2], row[3]), []).append(row)
    return by_customer, by_pair


def repeats_many(facts: Iterable[Fact]) -> dict[int, Fact]:
    """The facts with their repeat flags read from the stored facts of other cases: a
    query per few hundred facts."""
    span = window()
    out: dict[int, Fact] = {}
    for chunk in _chunks(facts):
        by_customer, by_pair = _groups(_nearby(chunk, span, dt.timedelta(0)))

        def earlier(rows: list[tuple], f: Fact) -> bool:
            key = (f.received_at, f.case_id)
            return any(
                r[0] != f.case_id and f.received_at - span <= r[4] and (r[4], r[0]) < key
                for r in rows
            )

        for f in chunk:
            pair = by_pair.get((f.product, f.category), []) if f.product else []
            out[f.case_id] = replace(
                f,
                repeat_customer=earlier(by_customer.get(f.customer_id, []), f),
                repeat_product=bool(f.product) and earlier(pair, f),
            )
    return out


def later_ids_many(facts: Iterable[Fact]) -> set[int]:
    """The cases whose repeat flags these cases' presence decides (received after one of
    them, within the window, same customer or same product and category)."""
    span = window()
    found: set[int] = set()
    for chunk in _chunks(facts):
        by_customer, by_pair = _groups(_nearby(chunk, dt.timedelta(0), span))
        for f in chunk:
            rows = by_customer.get(f.customer_id, [])
            if f.product:
                rows = rows + by_pair.get((f.product, f.category), [])
            key = (f.received_at, f.case_id)
            found |= {r[0] for r in rows if (r[4], r[0]) > key and r[4] <= f.received_at + span}
    return found


def contribution(fact: Fact) -> dict[str, Any]:
    """The counters one case adds to each roll-up row it belongs to."""
    add: dict[str, Any] = {"n": 1}
    if fact.resolution_hours is not None:
        add["resolved"] = 1
        add[f"r{resolution_bucket(fact.resolution_hours)}"] = 1
    hours = fact.first_response_hours
    if hours is not None:
        add["responded"] = 1
        add[f"f{first_response_bucket(hours)}"] = 1
    if fact.satisfaction is not None:
        add["sat_n"] = 1
        add["sat_sum"] = fact.satisfaction
    if fact.repeat_customer:
        add["repeat_customer"] = 1
    if fact.repeat_product:
        add["repeat_product"] = 1
    return add


def save(facts: dict[int, Fact], removed: Iterable[int]) -> None:
    CaseFact.objects.filter(case_id__in=list(removed)).delete()
    if not facts:
        return
    CaseFact.objects.filter(case_id__in=list(facts)).delete()
    CaseFact.objects.bulk_create(
        [
            CaseFact(
                case_id=f.case_id,
                **{n: getattr(f, n) for n in FIELDS},
                clocks=encode_clocks(f.clocks),
            )
            for f in facts.values()
        ],
        batch_size=500,
    )
