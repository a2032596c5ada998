"""The worker's clock sweep: bring the stored clocks up to date, then notice each due-soon,
breach and escalation step once (assignee → supervisor → compliance).

It does not replay every open case each time. It replays the cases the journal has news of
since the last complete sweep (ClockSweepMark: the seq it read up to), moves the other
clocks on with time by their stored moments (store.advance), and looks for steps only
among the clocks that crossed a moment since the last sweep (soon_at, due_at, due_at plus
each escalation delay) or were recomputed. A change to the policies, rules or calendars,
or no mark yet, recomputes every open case. The mark is written last: a sweep killed
half-way is redone by the next one, and the unique alert key keeps that idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm, Role
from caseledger.cases.models import Case, Status
from caseledger.core import clock as core_clock
from caseledger.journal.models import ChainHead, Entry
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.clocks.queries import ClockContext
from caseledger.workflow.clocks.store import BREACHED, SOON, advance, analyse, recompute
from caseledger.workflow.models import (
    BusinessHours,
    CalendarDay,
    CaseClock,
    ClockAlert,
    ClockSweepMark,
    SlaPolicy,
    StatutoryRule,
)

NEXT_UPDATE = "next_update"
# The sweep's own entries: they do not move a clock, so they do not ask for a recompute.
NOTICE_ACTIONS = ("clock.due_soon", "clock.breach", WorkflowAction.CLOCK_ESCALATE.value)


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def settings_stamp() -> str:
    """Changes whenever a policy, statutory rule, calendar day or business hours row is
    added, edited or removed: every clock then needs recomputing."""
    parts = []
    for model in (SlaPolicy, StatutoryRule, CalendarDay, BusinessHours):
        agg = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
        last = agg["last"].isoformat() if agg["last"] else "-"
        parts.append(f"{agg['n']}@{last}")
    return "|".join(parts)


def _head_seq() -> int:
    head = ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    return int(head or 0)


def _every_open_case() -> set[int]:
    ids = set(Case.objects.exclude(status=Status.CLOSED).values_list("pk", flat=True))
    still = CaseClock.objects.filter(stopped_at__isnull=True).exclude(state="met")
    return ids | set(still.values_list("case_id", flat=True).distinct())


def _changed_cases(since_seq: int) -> set[int]:
    """Cases with journal entries after since_seq (the sweep's own notices left out), and
    cases with a paused clock (a paused statutory deadline's due time moves with time)."""
    roots = (
        Entry.objects.filter(seq__gt=since_seq, root__startswith="case:")
        .exclude(action__in=NOTICE_ACTIONS)
        .values_list("root", flat=True)
        .distinct()
    )
    ids = {int(root.split(":", 1)[1]) for root in roots}
    paused = CaseClock.objects.filter(state="paused").values_list("case_id", flat=True)
    return ids | set(paused.distinct())


def clock_sweep(*, actor: User | None, batch: int = 500, full: bool = False) -> dict[str, int]:
    """Recompute what changed (everything when `full`, on the first sweep, or after a
    policy, rule or calendar change), move clocks on with time, then notice each due-soon,
    breach and escalation step once. Idempotent: run it again and nothing new happens;
    killed half-way, the next run finishes the rest."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    now = core_clock.now()
    head = _head_seq()
    stamp = settings_stamp()
    mark = ClockSweepMark.objects.order_by("pk").first()
    whole = full or mark is None or mark.settings_stamp != stamp or now < mark.swept_at
    since = None if whole or mark is None else mark.swept_at
    ids = _every_open_case() if whole or mark is None else _changed_cases(mark.journal_seq)
    context = ClockContext()
    counts = {"cases": 0, "moved": 0, "alerts": 0, "escalations": 0}
    for part in _chunks(ids, batch):
        counts["cases"] += recompute(part, now, context)
    if whole:
        analyse()  # the planner's statistics for the rewritten clock tables
    counts["moved"] = len(advance(now))
    notices = Notices(actor, now)
    for rows in _candidates(ids, since, now, batch):
        notices.raise_for(rows)
    counts["alerts"], counts["escalations"] = notices.alerts, notices.escalations
    # The notices' e-mail goes out from notify (it follows these entries), by each
    # person's preference: digest, quiet hours, their language.
    with write_transaction():
        others = ClockSweepMark.objects.all()
        if mark is not None:
            others = others.exclude(pk=mark.pk)
        others.delete()
        mark = mark or ClockSweepMark()
        mark.journal_seq, mark.swept_at, mark.settings_stamp = head, now, stamp
        mark.save()
    return counts


def _candidates(
    recomputed: set[int], since: dt.datetime | None, now: dt.datetime, batch: int
) -> Iterator[list[CaseClock]]:
    """The running due-soon and breached clocks that may owe a notice: all of them on a
    whole sweep; otherwise those of recomputed cases and those that crossed a moment
    (soon_at, due_at, due_at + each escalation delay) in (since, now]."""
    running = CaseClock.objects.filter(stopped_at__isnull=True, state__in=(SOON, BREACHED))
    if since is None:
        ids = set(running.values_list("case_id", flat=True))
    else:
        ids = set()
        for part in _chunks(recomputed, batch):
            ids |= set(running.filter(case_id__in=part).values_list("case_id", flat=True))
        crossed = Q(state=SOON, soon_at__gt=since, soon_at__lte=now)
        for delay in (0, settings.ESCALATE_SUPERVISOR_HOURS, settings.ESCALATE_COMPLIANCE_HOURS):
            shift = dt.timedelta(hours=delay)
            crossed |= Q(state=BREACHED, due_at__gt=since - shift, due_at__lte=now - shift)
        ids |= set(running.filter(crossed).values_list("case_id", flat=True))
    for part in _chunks(ids, batch):
        yield list(running.filter(case_id__in=part).order_by("case_id", "kind"))


def alert_cycle(c: CaseClock) -> str:
    """Which cycle of the clock a notice is for: the next-update clock starts again after
    each update the customer sees, so its steps are noticed once per due time; the other
    clocks run once ("")."""
    if c.kind != NEXT_UPDATE or c.due_at is None:
        return ""
    return c.due_at.astimezone(dt.UTC).isoformat()


class Notices:
    """Raises the missing steps' alerts, a batch of clocks per transaction, with the
    supervisors and compliance officers read once per sweep."""

    def __init__(self, actor: User | None, now: dt.datetime) -> None:
        self.actor, self.now = actor, now
        self.alerts = self.escalations = 0
        self._supervisors: dict[int, list[User]] = {}
        self._compliance: list[User] | None = None

    def supervisors(self, department_id: int) -> list[User]:
        if department_id not in self._supervisors:
            people = User.objects.filter(is_active=True).filter(
                Q(department_id=department_id) | Q(supervised_departments__id=department_id)
            )
            self._supervisors[department_id] = [
                u for u in people.distinct().order_by("pk") if Role.SUPERVISOR in u.roles
            ]
        return self._supervisors[department_id]

    def compliance(self) -> list[User]:
        if self._compliance is None:
            people = User.objects.filter(is_active=True).order_by("pk")
            self._compliance = [u for u in people if Role.COMPLIANCE in u.roles]
        return self._compliance

    def steps(self, case: Case, c: CaseClock) -> list[tuple[str, list[User]]]:
        first = [case.assignee] if case.assignee and case.assignee.is_active else None
        if c.stopped_at is not None or c.due_at is None:
            return []
        if c.state == SOON:
            return [("due_soon", first or self.supervisors(case.department_id))]
        if c.state != BREACHED:
            return []
        late = self.now - c.due_at
        steps = [("breach", first or self.supervisors(case.department_id))]
        if late >= dt.timedelta(hours=settings.ESCALATE_SUPERVISOR_HOURS):
            steps.append(("escalate:supervisor", self.supervisors(case.department_id)))
        if late >= dt.timedelta(hours=settings.ESCALATE_COMPLIANCE_HOURS):
            steps.append(("escalate:compliance", self.compliance()))
        return steps

    def raise_for(self, rows: list[CaseClock]) -> None:
        case_ids = {r.case_id for r in rows}
        cases = Case.objects.select_related("assignee").in_bulk(case_ids)
        existing = set(
            ClockAlert.objects.filter(case_id__in=case_ids).values_list(
                "case_id", "clock", "cycle", "step", "recipient_id"
            )
        )
        noticed = {(c, k, y, s) for c, k, y, s, _ in existing}
        with write_transaction():
            for row in rows:
                case, cycle = cases[row.case_id], alert_cycle(row)
                key = (case.pk, row.kind, cycle)
                for step, recipients in self.steps(case, row):
                    made = [r for r in recipients if (*key, step, r.pk) not in existing]
                    if not made:
                        continue
                    ClockAlert.objects.bulk_create(
                        [
                            ClockAlert(
                                case=case,
                                clock=row.kind,
                                cycle=cycle,
                                step=step,
                                recipient=r,
                                created_at=self.now,
                            )
                            for r in made
                        ]
                    )
                    self.alerts += len(made)
                    if (*key, step) not in noticed:
                        self._journal(case, row, step, made)

    def _journal(self, case: Case, c: CaseClock, step: str, made: list[User]) -> None:
        escalation = step.startswith("escalate")
        self.escalations += escalation
        record_change(
            actor=self.actor,
            action=WorkflowAction.CLOCK_ESCALATE if escalation else f"clock.{step}",
            object_type="case_clock",
            object_id=str(case.pk),
            root=f"case:{case.pk}",
            after={
                "clock": c.kind,
                "step": step,
                "due_at": c.due_at.isoformat() if c.due_at else None,
                "recipients": sorted(r.username for r in made),
            },
            changes={},
        )


def sweep_state() -> dict[str, Any]:
    """Where the last sweep stopped (for `caseledger clocks` and the bench)."""
    mark = ClockSweepMark.objects.order_by("pk").first()
    if mark is None:
        return {"swept_at": None, "journal_seq": None}
    return {"swept_at": mark.swept_at.isoformat(), "journal_seq": mark.journal_seq}
