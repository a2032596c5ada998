"""The demo's records lifecycle, through the retention and archive services: the presets
of every demo industry but one adopted, each narrowed to customers tagged with its industry
(so a bank's ten years do not govern a shop's complaints); the SaaS records stay
unscheduled, as they would before anyone set their schedules up. Then two legal holds and,
from the command, every deadline and a first archive run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from caseledger.accounts.models import User
from caseledger.cases.models import Case
from caseledger.demo import texts
from caseledger.retention.models import HoldScope, LegalHold
from caseledger.retention.services import hold_place, presets_adopt, schedule_update

UNSCHEDULED_INDUSTRIES = ("saas",)
# Cases the demo's matters name, and the saved filter of the other hold.
NAMED_HOLD_CASES = 3
FILTER_HOLD = {
    "category": "product_quality",
    "subcategory": "safety",
    "received_from": "2022-01-01",
    "received_to": "2022-12-31",
}


@dataclass
class LifecycleCounts:
    schedules: int = 0
    holds: list[int] = field(default_factory=list)
    deadlines: dict[str, int] = field(default_factory=dict)
    archive: dict[str, Any] | None = None


def adopt_schedules(records: User) -> int:
    """Each schedule change would ask the worker for a full recompute: 30-odd passes over a
    million records, queued behind the demo, which writes every deadline itself once the
    records exist."""
    from caseledger.retention.services import recompute_deferred

    with recompute_deferred():
        return _adopt(records)


def _adopt(records: User) -> int:
    adopted = 0
    for industry in sorted(set(texts.INDUSTRIES) - set(UNSCHEDULED_INDUSTRIES)):
        for schedule in presets_adopt(actor=records, industry=industry):
            schedule_update(
                actor=records,
                schedule=schedule,
                data={"tags": [industry]},
                reason=f"demo: only customers tagged {industry}",
            )
            adopted += 1
    return adopted


def place_holds(compliance: User) -> list[int]:
    """One hold on named cases (the oldest closed complaints: due, so the hold shows), one
    on a saved filter (re-evaluated as cases arrive). Skipped if the demo placed them."""
    if LegalHold.objects.filter(matter__startswith="DEMO").exists():
        return []
    placed = []
    named = list(
        Case.objects.filter(status="closed", kind="complaint")
        .order_by("pk")
        .values_list("pk", flat=True)[:NAMED_HOLD_CASES]
    )
    if named:
        placed.append(
            hold_place(
                actor=compliance,
                matter="DEMO (2026)沪0104民初1234号",
                reason="诉讼保全：客户起诉，相关投诉档案须保留 Litigation: the customer sued",
                scope=HoldScope.CASES,
                cases=named,
            ).pk
        )
    placed.append(
        hold_place(
            actor=compliance,
            matter="DEMO 市场监管局调查 Regulator inquiry: product safety 2022",
            reason="监管调查期间保留全部2022年产品安全投诉 Keep every 2022 safety complaint",
            scope=HoldScope.FILTER,
            case_filter=FILTER_HOLD,
        ).pk
    )
    return placed


def archive_some(records: User, limit: int, on: dt.date | None = None) -> dict[str, Any]:
    """A first archive run, bounded, so a fresh install shows archived cases; the
    worker's nightly run archives the rest."""
    from caseledger.archive.services import archive_run

    return archive_run(actor=records, on=on, limit=limit)
