"""Reading clocks: a case's clocks now or as of a past moment (replayed from the journal),
the stored copy the lists sort by, and the policies and rules that apply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from caseledger.accounts.models import User
from caseledger.cases.models import Case
from caseledger.cases.queries import case_get
from caseledger.cases.taxonomy import step_needs
from caseledger.core import clock as core_clock
from caseledger.journal.queries import history
from caseledger.workflow.calendars.queries import work_calendar
from caseledger.workflow.clocks.compute import Clock, Policy, Rule, compute, replay
from caseledger.workflow.models import CaseClock, ClockAlert, ClockState, SlaPolicy, StatutoryRule

# Working minutes when no policy matches (8 h a day): first response, resolution.
DEFAULT_POLICIES = {
    "urgent": (60, 8 * 60),
    "high": (4 * 60, 3 * 8 * 60),
    "normal": (8 * 60, 5 * 8 * 60),
    "low": (2 * 8 * 60, 10 * 8 * 60),
}
# Working minutes from one update the customer sees to the next, by priority.
DEFAULT_NEXT_UPDATE = {"urgent": 4 * 60, "high": 8 * 60, "normal": 2 * 8 * 60, "low": 5 * 8 * 60}
COLOURS = {"ok": "green", "soon": "amber", "breached": "red", "paused": "grey", "met": "neutral"}


def policy_for(state: dict[str, Any]) -> Policy:
    """The most specific active policy matching the case; the built-in default otherwise."""
    best, best_score = None, -1
    for policy in SlaPolicy.objects.filter(is_active=True):
        fields = {
            "department_id": policy.department_id,
            "kind": policy.kind,
            "priority": policy.priority,
            "severity": policy.severity,
        }
        if any(v not in (None, "") and state.get(k) != v for k, v in fields.items()):
            continue
        score = sum(v not in (None, "") for v in fields.values())
        if score > best_score:
            best, best_score = policy, score
    ack = step_needs(state.get("department_id"), "acknowledged").within_minutes
    update = DEFAULT_NEXT_UPDATE.get(state.get("priority", ""), DEFAULT_NEXT_UPDATE["normal"])
    if best is not None:
        return Policy(
            best.name,
            best.first_response_minutes,
            best.resolution_minutes,
            next_update_minutes=(
                best.next_update_minutes if best.next_update_minutes is not None else update
            ),
            acknowledge_minutes=ack,
        )
    first, resolution = DEFAULT_POLICIES.get(state.get("priority", ""), DEFAULT_POLICIES["normal"])
    return Policy(
        f"default ({state.get('priority', 'normal')})",
        first,
        resolution,
        next_update_minutes=update,
        acknowledge_minutes=ack,
    )


def rules_for(state: dict[str, Any]) -> list[Rule]:
    department_id = state.get("department_id")
    if department_id is None:
        return []
    rules = StatutoryRule.objects.filter(department_id=department_id)
    return [
        Rule(r.code, r.name, r.unit, r.days, tuple(r.extensions), r.legal_source, r.confirmed)
        for r in rules
        if not r.kinds or state.get("kind") in r.kinds
    ]


def clocks_of(case_id: int, as_of: dt.datetime | None = None) -> list[Clock]:
    """Replayed from the journal up to as_of (default now). No permission check: callers
    show only cases the actor may see (case_clocks does)."""
    now = as_of or core_clock.now()
    events = replay(history(f"case:{case_id}", until=now))
    if events.received_at is None:
        return []
    state = events.state
    return compute(
        events,
        now=now,
        calendar=work_calendar(state.get("department_id")),
        policy=policy_for(state),
        rules=rules_for(state),
    )


def case_clocks(*, actor: User, case_id: Any, as_of: dt.datetime | None = None) -> list[Clock]:
    case = case_get(actor=actor, case_id=case_id)
    return clocks_of(case.pk, as_of)


def refresh(case_id: int) -> list[Clock]:
    """Store a case's clocks as computed now (what the list sorts by). Derived data, like an
    index: recomputable from the journal at any time, so it is not journaled itself."""
    now = core_clock.now()
    clocks = clocks_of(case_id, now)
    for c in clocks:
        CaseClock.objects.update_or_create(
            case_id=case_id,
            kind=c.kind,
            defaults={
                "due_at": c.due_at,
                "stopped_at": c.stopped_at,
                "state": c.state,
                "computed_at": now,
            },
        )
    CaseClock.objects.filter(case_id=case_id).exclude(kind__in=[c.kind for c in clocks]).delete()
    return clocks


def with_next_due(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case with its next due time and that clock's state (met clocks left
    out): `next_due`, `next_state`."""
    running = CaseClock.objects.filter(case=OuterRef("pk")).exclude(state=ClockState.MET)
    first = running.order_by("due_at")
    return cases.annotate(
        next_due=Subquery(first.values("due_at")[:1]),
        next_state=Subquery(first.values("state")[:1]),
    )


def filter_clock_state(cases: QuerySet[Case], state: str) -> QuerySet[Case]:
    return cases.filter(pk__in=CaseClock.objects.filter(state=state).values("case_id"))


def my_alerts(*, actor: User) -> QuerySet[ClockAlert]:
    """The actor's clock notices (due soon, breach, escalation), newest first."""
    return (
        ClockAlert.objects.filter(recipient=actor)
        .select_related("case")
        .order_by("read_at", "-created_at", "-id")
    )
