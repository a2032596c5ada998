"""Reading clocks: a case's clocks now or as of a past moment (replayed from the journal),
the stored copy the lists sort by, and the policies and rules that apply."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import F, QuerySet

from caseledger.accounts.models import User
from caseledger.cases.models import Case
from caseledger.cases.queries import case_get
from caseledger.cases.taxonomy import step_needs
from caseledger.core import clock as core_clock
from caseledger.journal.queries import history
from caseledger.workflow.calendars.queries import work_calendar
from caseledger.workflow.clocks.compute import Clock, Policy, Replay, Rule, compute, replay
from caseledger.workflow.models import CaseClock, ClockAlert, ClockState, SlaPolicy, StatutoryRule
from caseledger.workflow.worktime import WorkCalendar

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


def policy_for(state: dict[str, Any], policies: Sequence[SlaPolicy] | None = None) -> Policy:
    """The most specific active policy matching the case; the built-in default otherwise.
    `policies`: the active policies read once by a caller that computes many cases."""
    best, best_score = None, -1
    if policies is None:
        policies = list(SlaPolicy.objects.filter(is_active=True))
    for policy in policies:
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


def rules_for(state: dict[str, Any], rules: Sequence[StatutoryRule] | None = None) -> list[Rule]:
    department_id = state.get("department_id")
    if department_id is None:
        return []
    if rules is None:
        rules = list(StatutoryRule.objects.filter(department_id=department_id))
    return [
        Rule(r.code, r.name, r.unit, r.days, tuple(r.extensions), r.legal_source, r.confirmed)
        for r in rules
        if r.department_id == department_id and (not r.kinds or state.get("kind") in r.kinds)
    ]


class ClockContext:
    """The policies, statutory rules and calendars, read once for a pass over many cases
    (they are a handful of rows; reading them per case was most of the sweep's queries)."""

    def __init__(self) -> None:
        self.policies = list(SlaPolicy.objects.filter(is_active=True))
        self.rules = list(StatutoryRule.objects.all())
        self._calendars: dict[int | None, WorkCalendar] = {}

    def calendar(self, department_id: int | None) -> WorkCalendar:
        if department_id not in self._calendars:
            self._calendars[department_id] = work_calendar(department_id)
        return self._calendars[department_id]

    def compute(self, events: Replay, now: dt.datetime) -> list[Clock]:
        if events.received_at is None:
            return []
        state = events.state
        return compute(
            events,
            now=now,
            calendar=self.calendar(state.get("department_id")),
            policy=policy_for(state, self.policies),
            rules=rules_for(state, self.rules),
        )


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
    from caseledger.workflow.clocks.store import store_clocks

    now = core_clock.now()
    clocks = clocks_of(case_id, now)
    store_clocks({case_id: clocks}, now)
    return clocks


def with_next_due(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case with its next due time (its soonest running clock) and that
    clock's state: `next_due`, `next_state`, read from the stored CaseDue row (a join, not
    a subquery per case)."""
    return cases.annotate(next_due=F("due__due_at"), next_state=F("due__state"))


def sort_by_due(cases: QuerySet[Case], descending: bool = False) -> QuerySet[Case]:
    """Cases with a running clock, soonest (or latest) due first, through the CaseDue index;
    cases without a running clock (closed, or every clock paused) have no due time and are
    left out of this order."""
    due = F("due__due_at").desc() if descending else F("due__due_at").asc()
    return cases.filter(due__due_at__isnull=False).order_by(due, "due__case_id")


def filter_clock_state(cases: QuerySet[Case], state: str) -> QuerySet[Case]:
    """Cases with a clock in `state`; `breached` reads the CaseDue flag (indexed)."""
    if state == ClockState.BREACHED:
        return cases.filter(due__breached=True)
    return cases.filter(pk__in=CaseClock.objects.filter(state=state).values("case_id"))


def my_alerts(*, actor: User) -> QuerySet[ClockAlert]:
    """The actor's clock notices (due soon, breach, escalation), newest first."""
    return (
        ClockAlert.objects.filter(recipient=actor)
        .select_related("case")
        .order_by("read_at", "-created_at", "-id")
    )
