"""A case's clocks, replayed from its journal entries: first response, next update and
resolution (SLA, working time) and statutory deadlines (calendar or working days, with extensions).

Why this is careful: a clock shown wrong hides a breach. Nothing here reads the case row:
the journal's recorded events are replayed up to a moment, so any clock can be shown "as
of" a past time and recomputed at any time. Events that count:

- `case.create` (received_at, department, kind, priority, severity), every later case entry
  (the state after it);
- first response: the first move out of `received`, or the first note to the customer;
- acknowledgement (when the department's `acknowledged` step rule gives a time, issue 12):
  the same events stop it, against its own budget;
- next update: after each update the customer sees (a note to the customer, a status move,
  which the status page shows) the next is due within the policy's interval; it starts at
  the first response and stops (met) when the case is closed;
- resolution stops when the case is closed, resumes when reopened (the gap does not count);
- statutory deadlines stop at the first `responded` or `closed`;
- `clock.pause` (waiting for the customer; `appraisal`: outside appraisal or testing, which
  also stops statutory deadlines) until `clock.resume` or a note from the customer;
- `clock.extend`: the next extension step of a statutory rule, with approver and notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from caseledger.workflow import worktime
from caseledger.workflow.worktime import Pause, WorkCalendar

MINUTE = dt.timedelta(minutes=1)
SOON_FRACTION = 0.25  # an SLA clock is "due soon" in its last quarter
SOON_STATUTORY = dt.timedelta(days=3)


@dataclass(frozen=True)
class Policy:
    name: str
    first_response_minutes: int
    resolution_minutes: int
    next_update_minutes: int = 0  # 0: no next-update clock
    acknowledge_minutes: int | None = None  # the `acknowledged` step rule's time, if any


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    unit: str  # calendar_days | working_days
    days: int
    extensions: tuple[int, ...]
    legal_source: str
    confirmed: bool


@dataclass(frozen=True)
class Clock:
    kind: str  # acknowledgement | first_response | resolution | statutory:<code>
    label: str
    started_at: dt.datetime
    due_at: dt.datetime | None
    stopped_at: dt.datetime | None
    state: str  # ok | soon | paused | breached | met
    remaining: dt.timedelta | None  # working time (SLA) or calendar time (statutory) left
    source: str = ""
    confirmed: bool = True
    extended: int = 0
    # When a running clock turns "due soon" if nothing happens (None: stopped or paused).
    soon_at: dt.datetime | None = None

    @property
    def breached(self) -> bool:
        return self.state == "breached"


@dataclass
class Replay:
    """What the journal says happened to a case, up to a moment."""

    state: dict[str, Any] = field(default_factory=dict)
    received_at: dt.datetime | None = None
    first_response_at: dt.datetime | None = None
    last_update_at: dt.datetime | None = None  # the newest update the customer saw
    answered_at: dt.datetime | None = None  # responded or closed, first time
    closed_at: dt.datetime | None = None  # while closed now
    reopen_gaps: list[Pause] = field(default_factory=list)
    waits: list[tuple[dt.datetime, dt.datetime | None, str]] = field(default_factory=list)
    extensions: dict[str, int] = field(default_factory=dict)

    def pauses(self, kinds: Sequence[str]) -> list[Pause]:
        return [(a, b) for a, b, kind in self.waits if kind in kinds]

    @property
    def open_wait(self) -> bool:
        return any(b is None for _, b, _ in self.waits)


def _moment(value: Any) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _end_waits(replay: Replay, at: dt.datetime) -> None:
    replay.waits = [(a, b if b is not None else at, k) for a, b, k in replay.waits]


def replay(entries: Sequence[Any]) -> Replay:
    """entries: journal HistoryItems of the case (root case:<id>), oldest first."""
    out = Replay()
    for entry in entries:
        state = entry.state or {}
        if entry.object_type == "case" and entry.action.startswith("case."):
            before = out.state.get("status")
            out.state = dict(state)
            if out.received_at is None:
                out.received_at = _moment(state.get("received_at")) or entry.at
            status = state.get("status")
            if before is not None and status is not None and status != before:
                _status_moved(out, before, status, entry.at)
            elif before is None and status not in (None, "received"):
                # Recorded already past `received` (the demo's history, a record brought
                # over whole): as if moved there when it says, else when it was recorded.
                # Without this a case recorded closed kept every clock running, breached.
                moved = _moment(state.get("closed_at")) if status == "closed" else None
                _status_moved(out, "received", status, moved or entry.at)
        elif entry.object_type == "case_note":
            kind = state.get("kind")
            if kind == "outbound" and out.first_response_at is None:
                out.first_response_at = entry.at
            if kind == "outbound":
                out.last_update_at = entry.at
            if kind == "inbound":  # a reply from the customer resumes the clocks
                _end_waits(out, entry.at)
        elif entry.action == "clock.pause":
            if not out.open_wait:
                out.waits.append((entry.at, None, state.get("kind", "customer")))
        elif entry.action == "clock.resume":
            _end_waits(out, entry.at)
        elif entry.action == "clock.extend":
            code = state.get("rule", "")
            out.extensions[code] = out.extensions.get(code, 0) + 1
    return out


def _status_moved(out: Replay, before: str, status: str, at: dt.datetime) -> None:
    out.last_update_at = at  # the status page shows every move
    if before == "received" and out.first_response_at is None:
        out.first_response_at = at
    if status in ("responded", "closed") and out.answered_at is None:
        out.answered_at = at
    if status == "closed":
        out.closed_at = at
        _end_waits(out, at)
    elif before == "closed":
        if out.closed_at is not None:
            out.reopen_gaps.append((out.closed_at, at))
        out.closed_at = None


def _sla_clock(
    kind: str,
    label: str,
    cal: WorkCalendar,
    start: dt.datetime,
    minutes: int,
    pauses: list[Pause],
    stopped: dt.datetime | None,
    now: dt.datetime,
) -> Clock:
    budget = minutes * MINUTE
    due = worktime.add_working_time(cal, start, budget, pauses)
    if stopped is not None:
        state = "met" if due is not None and stopped <= due else "breached"
        return Clock(kind, label, start, due, stopped, state, None)
    if due is None:
        return Clock(
            kind,
            label,
            start,
            None,
            None,
            "paused",
            budget - worktime.working_time(cal, start, now, pauses),
        )
    if now >= due:
        return Clock(kind, label, start, due, None, "breached", dt.timedelta(0))
    left = worktime.working_time(cal, now, due, pauses)
    paused = any(a <= now and (b is None or now < b) for a, b in pauses)
    state = "paused" if paused else ("soon" if left <= budget * SOON_FRACTION else "ok")
    soon_at = None
    if not paused:  # the moment only a quarter of the budget is left
        soon_at = worktime.add_working_time(cal, start, budget - budget * SOON_FRACTION, pauses)
    return Clock(kind, label, start, due, None, state, left, soon_at=soon_at)


def compute(
    events: Replay,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    policy: Policy,
    rules: Sequence[Rule],
) -> list[Clock]:
    """A case's clocks from its replayed events: the SLA clocks the policy gives a budget
    (acknowledgement, first response, next update, resolution), then the statutory ones."""
    start = events.received_at
    if start is None:
        return []
    every_wait = events.pauses(("customer", "appraisal"))
    # (kind, label, from, budget, waits, stopped by); a clock with no budget does not run.
    next_from = events.last_update_at
    specs = [
        ("acknowledgement", "Acknowledgement", start, policy.acknowledge_minutes, every_wait,
         events.first_response_at),
        ("first_response", "First response", start, policy.first_response_minutes, every_wait,
         events.first_response_at),
        ("next_update", "Next update", next_from,
         policy.next_update_minutes if next_from is not None else 0, every_wait,
         events.closed_at),
        ("resolution", "Resolution", start, policy.resolution_minutes,
         every_wait + events.reopen_gaps, events.closed_at),
    ]  # fmt: skip
    clocks = [
        _sla_clock(kind, label, calendar, since, minutes, waits, stop, now)
        for kind, label, since, minutes, waits, stop in specs
        if minutes and since is not None
    ]
    clocks += [_statutory(rule, events, calendar, start, now) for rule in rules]
    return clocks


def _statutory(rule: Rule, events: Replay, cal: WorkCalendar, start, now) -> Clock:
    steps = events.extensions.get(rule.code, 0)
    days = rule.days + sum(rule.extensions[:steps])
    appraisal = events.pauses(("appraisal",))
    excluded = worktime.paused_total(appraisal, now)
    if rule.unit == "working_days":
        due = worktime.add_working_days(cal, start, days)
        due += excluded  # whole excluded spans push the deadline on
    else:
        due = worktime.add_calendar_days(cal, start, days, excluded)
    stopped = events.answered_at
    label = rule.name
    soon_at = None
    if stopped is not None:
        state = "met" if stopped <= due else "breached"
        left = None
    elif any(b is None for a, b in appraisal):
        state, left = "paused", due - now
    elif now >= due:
        state, left = "breached", dt.timedelta(0)
    else:
        left = due - now
        state = "soon" if left <= SOON_STATUTORY else "ok"
        soon_at = due - SOON_STATUTORY
    return Clock(
        f"statutory:{rule.code}",
        label,
        start,
        due,
        stopped,
        state,
        left,
        source=rule.legal_source,
        confirmed=rule.confirmed,
        extended=steps,
        soon_at=soon_at,
    )
