"""The dashboard as named panels (web, API and report read the same), and the SLA and
statutory clock panel, which reads the tally of the workflow's stored clock states."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.core import clock
from caseledger.insights import queries, rollup
from caseledger.insights.models import ClockTally
from caseledger.insights.scope import Filters, Scope
from caseledger.workflow.models import StatutoryRule

CLOCK_STATES = ("met", "breached", "ok", "soon", "paused")


def sla(scope: Scope, filters: Filters) -> list[dict[str, Any]]:
    """Per clock (first response, resolution, each statutory rule): cases received in the
    period by the clock's state as last computed by the workflow, read from the clock tally
    (clocktally.py: a few rows per month and department, not the period's clocks)."""
    tally = "s" if filters.category or filters.channel else "a"
    qs = ClockTally.objects.filter(tally=tally, period__gte=filters.start, period__lte=filters.end)
    if scope.departments is not None:
        qs = qs.filter(department_id__in=scope.departments)
    if not scope.restricted:
        qs = qs.filter(restricted=False)
    for name in ("department", "category", "channel"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{"department_id" if name == "department" else name: value})
    rows = qs.values("kind", "state").annotate(n=Sum("n")).order_by()
    names = {
        "acknowledgement": _("Acknowledgement"),
        "first_response": _("First response"),
        "next_update": _("Next update"),
        "resolution": _("Resolution"),
        **{f"statutory:{r.code}": r.name for r in StatutoryRule.objects.all()},
    }
    by_kind: dict[str, dict[str, int]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], {})[row["state"]] = row["n"]
    base = queries.base_drill(filters)
    out = []
    for kind, states in sorted(by_kind.items()):
        decided = states.get("met", 0) + states.get("breached", 0)
        out.append(
            {
                "key": kind,
                "label": names.get(kind, kind),
                "states": {s: states.get(s, 0) for s in CLOCK_STATES},
                "compliance": round(states.get("met", 0) * 100 / decided, 1) if decided else None,
                "drill": {**base, "clock": "breached"},
            }
        )
    return out


def _today() -> dt.date:
    return timezone.localtime(clock.now()).date()


PANELS: dict[str, Callable[..., Any]] = {
    "summary": queries.summary,
    "trend": queries.trend,
    "breakdown": queries.breakdown,
    "products": queries.products,
    "root_causes": queries.root_causes,
    "repeats": queries.repeats,
    "backlog": lambda scope, filters: queries.backlog(scope, filters, _today()),
    "sla": sla,
    "workload": lambda scope, filters: queries.workload(scope, filters, _today()),
}


def panel(name: str, scope: Scope, filters: Filters, **options: Any) -> Any:
    if name == "trend":
        return queries.trend(scope, filters, options.get("by") or "kind")
    return PANELS[name](scope, filters)


def dashboard(scope: Scope, filters: Filters, *, by: str = "kind") -> dict[str, Any]:
    """Every panel. A small journal lag is caught up first so a figure includes what was
    just written; a large one is left to the worker (the page says how far behind)."""
    rollup.follow_if_close()
    with queries.shared_reads():
        out = {name: panel(name, scope, filters, by=by) for name in PANELS}
    out["filters"] = filters.as_params()
    out["lag"] = rollup.lag()
    out["restricted_included"] = scope.restricted
    return out
