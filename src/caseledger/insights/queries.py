"""The dashboard's figures, each read from the roll-up cubes (never from the cases), scoped
by scope.Scope before any filter. Every item carries `drill`: the case-list filters that
list exactly the cases it counts (products and root causes: the closest the list offers)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from caseledger.accounts.models import Department, User
from caseledger.cases.models import CaseKind, Channel, Severity, Status
from caseledger.cases.taxonomy import categories
from caseledger.insights.models import (
    BUCKETS,
    FIRST_RESPONSE_EDGES,
    RESOLUTION_EDGES,
    CaseFact,
    Rollup,
)
from caseledger.insights.scope import Filters, Scope, add_months
from caseledger.insights.stats import percentile

OPEN = [s for s in Status.values if s != Status.CLOSED]
AGES = ((7, "≤ 7"), (30, "8–30"), (90, "31–90"), (365, "91–365"), (None, "> 365"))
TOP = 10
SUMS = {
    name: Sum(name)
    for name in (
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
}


def labels(dimension: str) -> dict[Any, str]:
    if dimension == "department_id":
        return {d.pk: d.name for d in Department.objects.all()}
    if dimension == "category":
        return {code: str(label) for code, (label, _s) in categories(active_only=False).items()}
    choices = {"kind": CaseKind, "channel": Channel, "severity": Severity, "status": Status}
    return {k: str(v) for k, v in choices[dimension].choices}


def drill_of(dimension: str) -> str:
    return "department" if dimension == "department_id" else dimension


def cube(scope: Scope, filters: Filters, name: str, *, period: bool = True) -> QuerySet[Rollup]:
    qs = Rollup.objects.filter(Q(cube=name) & scope.q())
    if period:
        qs = qs.filter(period__gte=filters.start, period__lte=filters.end)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


def base_drill(filters: Filters) -> dict[str, Any]:
    out: dict[str, Any] = {
        "received_from": filters.start.isoformat(),
        "received_to": filters.last_day.isoformat(),
    }
    for name in ("department", "category", "channel"):
        if getattr(filters, name):
            out[name] = getattr(filters, name)
    return out


def _figures(sums: dict[str, Any]) -> dict[str, Any]:
    sums = {k: v or 0 for k, v in sums.items()}
    r = [sums[f"r{i}"] for i in range(BUCKETS)]
    f = [sums[f"f{i}"] for i in range(BUCKETS)]
    return {
        "cases": sums["n"],
        "resolved": sums["resolved"],
        "responded": sums["responded"],
        "resolution_hours": {
            "median": percentile(r, RESOLUTION_EDGES, 0.5),
            "p90": percentile(r, RESOLUTION_EDGES, 0.9),
            "histogram": r,
            "edges": list(RESOLUTION_EDGES),
        },
        "first_response_hours": {
            "median": percentile(f, FIRST_RESPONSE_EDGES, 0.5),
            "p90": percentile(f, FIRST_RESPONSE_EDGES, 0.9),
            "histogram": f,
            "edges": list(FIRST_RESPONSE_EDGES),
        },
        "satisfaction": {
            "answers": sums["sat_n"],
            "average": round(sums["sat_sum"] / sums["sat_n"], 2) if sums["sat_n"] else None,
        },
        "repeats": {"customer": sums["repeat_customer"], "product": sums["repeat_product"]},
    }


def summary(scope: Scope, filters: Filters) -> dict[str, Any]:
    """Key figures over the period, and over the period before for comparison."""
    now = _figures(cube(scope, filters, "m").aggregate(**SUMS))
    before = _figures(cube(scope, filters.previous(), "m").aggregate(**SUMS))
    now["drill"] = base_drill(filters)
    return {"now": now, "previous": before, "previous_period": filters.previous().as_params()}


def trend(scope: Scope, filters: Filters, by: str = "kind") -> dict[str, Any]:
    """Cases per month (per day for a one-month period), split by one coded field."""
    if by not in ("kind", "channel", "category", "severity", "department_id", "status"):
        by = "kind"
    daily = filters.months == 1
    if daily:
        qs = cube(scope, filters, "d", period=False).filter(
            period__gte=filters.start, period__lte=filters.last_day
        )
    else:
        qs = cube(scope, filters, "m")
    rows = qs.values("period", by).annotate(n=Sum("n"), sat_n=Sum("sat_n"), sat_sum=Sum("sat_sum"))
    periods = _periods(filters, daily)
    names = labels(by)
    series: dict[Any, list[int]] = {}
    sat = {p: [0, 0] for p in periods}
    index = {p: i for i, p in enumerate(periods)}
    for row in rows:
        i = index.get(row["period"])
        if i is None:
            continue
        series.setdefault(row[by], [0] * len(periods))[i] += row["n"]
        sat[row["period"]][0] += row["sat_n"]
        sat[row["period"]][1] += row["sat_sum"]
    return {
        "by": by,
        "periods": [p.isoformat()[: 10 if daily else 7] for p in periods],
        "drills": [_period_drill(filters, p, daily) for p in periods],
        "series": [
            {
                "key": key,
                "label": names.get(key, str(key)),
                "values": values,
                "drill": {drill_of(by): key},
            }
            for key, values in sorted(series.items(), key=lambda kv: -sum(kv[1]))
        ],
        "satisfaction": [round(s / n, 2) if n else None for n, s in (sat[p] for p in periods)],
    }


def _periods(filters: Filters, daily: bool) -> list[dt.date]:
    if daily:
        days = (filters.last_day - filters.start).days + 1
        return [filters.start + dt.timedelta(days=i) for i in range(days)]
    return [add_months(filters.start, i) for i in range(filters.months)]


def _period_drill(filters: Filters, period: dt.date, daily: bool) -> dict[str, Any]:
    last = period if daily else add_months(period, 1) - dt.timedelta(days=1)
    return {
        **base_drill(filters),
        "received_from": period.isoformat(),
        "received_to": last.isoformat(),
    }


def breakdown(scope: Scope, filters: Filters) -> dict[str, Any]:
    """Totals over the period by kind, channel, category, severity, department, status."""
    dims = ("kind", "channel", "category", "severity", "department_id", "status")
    # One read of the period's month rows (a few thousand at 1M cases), summed here per
    # field: six GROUP BYs each fetched every row again (docs/benchmarks.md, issue 15).
    totals: dict[str, dict[Any, int]] = {dim: defaultdict(int) for dim in dims}
    for *keys, n in cube(scope, filters, "m").values_list(*dims, "n").iterator(chunk_size=5000):
        for dim, key in zip(dims, keys, strict=True):
            totals[dim][key] += n
    base = base_drill(filters)
    out: dict[str, Any] = {}
    for dim in dims:
        names = labels(dim)
        out[drill_of(dim)] = [
            {"key": k, "label": names.get(k, str(k)), "n": n, "drill": {**base, drill_of(dim): k}}
            for k, n in sorted(totals[dim].items(), key=lambda kv: (-kv[1], str(kv[0])))
        ]
    return out


def products(scope: Scope, filters: Filters) -> list[dict[str, Any]]:
    """The products with most cases, and how many of those were repeats."""
    rows = (
        cube(scope, filters, "p")
        .exclude(product="")
        .values("product")
        .annotate(n=Sum("n"), repeats=Sum("repeat_product"))
        .order_by("-n", "product")[:TOP]
    )
    base = base_drill(filters)
    return [{**r, "label": r["product"], "drill": {**base, "q": r["product"]}} for r in rows]


def root_causes(scope: Scope, filters: Filters) -> list[dict[str, Any]]:
    rows = (
        cube(scope, filters, "c")
        .exclude(root_cause="")
        .values("root_cause")
        .annotate(n=Sum("n"))
        .order_by("-n", "root_cause")[:TOP]
    )
    base = base_drill(filters)
    return [{**r, "label": r["root_cause"], "drill": {**base, "status": "closed"}} for r in rows]


def repeats(scope: Scope, filters: Filters) -> list[dict[str, Any]]:
    """Product and category pairs that keep coming back within the repeat window."""
    rows = (
        cube(scope, filters, "p")
        .exclude(product="")
        .values("product", "category")
        .annotate(n=Sum("n"), repeats=Sum("repeat_product"))
        .filter(repeats__gt=0)
        .order_by("-repeats", "product")[:TOP]
    )
    names = labels("category")
    base = base_drill(filters)
    return [
        {
            **r,
            "label": f"{r['product']} · {names.get(r['category'], r['category'])}",
            "drill": {**base, "q": r["product"], "category": r["category"]},
        }
        for r in rows
    ]


def backlog(scope: Scope, filters: Filters, today: dt.date) -> dict[str, Any]:
    """Open cases now (whatever the period), by age in days, status and department."""
    # From the facts, not the day cube: the open cases' grouped read (_open_groups, shared
    # with the workload panel) counts every age band; the totals per status and per
    # department are their sums (the bands cover every age).
    groups = _open_groups(scope, filters, today)
    ages = [sum(g[f"a{i}"] for g in groups) for i in range(len(AGES))]
    by_status: dict[str, int] = {}
    by_department: dict[int, int] = {}
    for g in groups:
        n = sum(g[f"a{i}"] for i in range(len(AGES)))
        by_status[g["status"]] = by_status.get(g["status"], 0) + n
        by_department[g["department_id"]] = by_department.get(g["department_id"], 0) + n
    base = {k: v for k, v in base_drill(filters).items() if not k.startswith("received")}
    statuses, departments = labels("status"), labels("department_id")
    return {
        "open": sum(ages),
        "ages": [
            {"label": label, "n": n, "drill": {**base, **_age_drill(today, i)}}
            for i, ((_limit, label), n) in enumerate(zip(AGES, ages, strict=True))
        ],
        "status": [
            {"key": k, "label": statuses.get(k, k), "n": n, "drill": {**base, "status": k}}
            for k, n in sorted(by_status.items(), key=lambda kv: -kv[1])
        ],
        "department": [
            {
                "key": k,
                "label": departments.get(k, str(k)),
                "n": n,
                "drill": {**base, "department": k},
            }
            for k, n in sorted(by_department.items(), key=lambda kv: -kv[1])
        ],
    }


def _age_drill(today: dt.date, slot: int) -> dict[str, str]:
    newest = 0 if slot == 0 else AGES[slot - 1][0] + 1  # type: ignore[operator]
    oldest = AGES[slot][0]
    out = {"received_to": (today - dt.timedelta(days=newest)).isoformat()}
    if oldest is not None:
        out["received_from"] = (today - dt.timedelta(days=oldest)).isoformat()
    return out


# Set by `shared_reads()` for one dashboard: the backlog and workload panels then read the
# open facts once between them instead of once each (two scans of every open case).
_shared: ContextVar[dict[Any, Any] | None] = ContextVar("insights_shared_reads", default=None)


@contextlib.contextmanager
def shared_reads() -> Iterator[None]:
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _open_groups(scope: Scope, filters: Filters, today: dt.date) -> list[dict[str, Any]]:
    """The open facts counted per status, department and assignee, in age bands a0..a4:
    one GROUP BY (a few hundred rows back); the backlog and workload panels sum it."""
    memo = _shared.get()
    departments = None if scope.departments is None else tuple(sorted(scope.departments))
    key = ("open", departments, scope.restricted, tuple(sorted(filters.as_params().items())), today)
    if memo is not None and key in memo:
        return memo[key]
    bands = {}
    for i, (limit, _label) in enumerate(AGES):
        newer = AGES[i - 1][0] if i else None
        q = Q()
        if limit is not None:
            q &= Q(received_day__gte=today - dt.timedelta(days=limit))
        if newer is not None:
            q &= Q(received_day__lt=today - dt.timedelta(days=newer))
        # Counting a column of the covering index (never null), so no table row is read.
        bands[f"a{i}"] = Count("received_day", filter=q)
    grouped: Any = (
        _open_facts(scope, filters)
        .values("status", "department_id", "assignee_id")
        .annotate(**bands)
        .order_by()
    )
    groups: list[dict[str, Any]] = list(grouped)
    if memo is not None:
        memo[key] = groups
    return groups


def _open_facts(scope: Scope, filters: Filters) -> QuerySet[CaseFact]:
    qs = CaseFact.objects.filter(scope.q(), status__in=OPEN)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


def workload(scope: Scope, filters: Filters, today: dt.date) -> list[dict[str, Any]]:
    """Open cases per person now (unassigned as one line), from the per-case facts."""
    per_person: dict[int | None, int] = defaultdict(int)
    for g in _open_groups(scope, filters, today):
        per_person[g["assignee_id"]] += sum(g[f"a{i}"] for i in range(len(AGES)))
    ranked = sorted(per_person.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or 0))
    rows = [{"assignee_id": k, "n": n} for k, n in ranked[:25]]
    names = {
        u.pk: u.get_full_name() or u.username
        for u in User.objects.filter(pk__in=[r["assignee_id"] for r in rows if r["assignee_id"]])
    }
    base = {k: v for k, v in base_drill(filters).items() if not k.startswith("received")}
    return [
        {
            "key": r["assignee_id"],
            "label": names.get(r["assignee_id"] or 0, _("Unassigned")),
            "n": r["n"],
            "drill": {**base, "assignee": r["assignee_id"]} if r["assignee_id"] else base,
        }
        for r in rows
    ]
