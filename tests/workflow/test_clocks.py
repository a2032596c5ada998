"""SLA and statutory clocks, replayed from the journal: pauses, extensions, "as of", and
the sweep that warns and escalates once per step."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from caseledger.cases.services import case_note_add, case_update
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied
from caseledger.journal.models import Entry
from caseledger.workflow.clocks.queries import case_clocks, clocks_of
from caseledger.workflow.clocks.services import (
    case_deadline_extend,
    case_resume,
    case_wait,
    clock_sweep,
    statutory_rules_adopt,
)
from caseledger.workflow.models import CaseClock, ClockAlert
from tests.factories import make_case, make_customer

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SH)


@pytest.fixture
def complaint(people):
    """A normal-priority banking complaint received Monday 2 March 2026, 10:00, assigned to
    alice; sales follows the banking statutory rules."""
    with clock.frozen(MONDAY_10):
        statutory_rules_adopt(actor=people.admin, industry="banking", department=people.sales)
        customer = make_customer(people.agent, people.sales)
        return make_case(people.agent, customer, assignee=people.agent.pk)


def by_kind(clocks):
    return {c.kind: c for c in clocks}


def test_a_new_complaint_has_first_response_resolution_and_statutory_clocks(complaint, people):
    with clock.frozen(at(2, 11)):
        clocks = by_kind(case_clocks(actor=people.agent, case_id=complaint.pk))

    first, resolution = clocks["first_response"], clocks["resolution"]
    statutory = clocks["statutory:cbirc-complaint"]
    # 8 working hours: Mon 10-12, 13-18 (7 h), Tue 9-10
    assert first.due_at == at(3, 10) and first.state == "ok"
    # 40 working hours: 7 h Monday, 8 h Tue-Fri (32 h), 1 h next Monday
    assert resolution.due_at == at(9, 10)
    # 15 days after Monday 2 March, the start day not counted: end of Tuesday 17 March
    assert statutory.due_at == at(18, 0) and "银行业保险业消费投诉处理管理办法" in statutory.source
    assert statutory.confirmed is False  # the article is UNCONFIRMED


def test_waiting_for_the_customer_pauses_and_their_reply_resumes(complaint, people):
    with clock.frozen(at(3, 9)):
        case_wait(actor=people.agent, case=complaint, reason="asked for the statement")
    with clock.frozen(at(3, 15)):
        paused = by_kind(clocks_of(complaint.pk))
    with clock.frozen(at(4, 9)):
        case_note_add(actor=people.agent, case=complaint, body="statement attached", kind="inbound")
    with clock.frozen(at(4, 9, 30)):
        resumed = by_kind(clocks_of(complaint.pk))

    assert paused["first_response"].state == "paused" and paused["first_response"].due_at is None
    assert paused["statutory:cbirc-complaint"].state == "ok"  # the law's clock runs on
    # the 8 working hours of Tuesday did not count: due Wednesday 10:00
    assert resumed["first_response"].due_at == at(4, 10)
    assert resumed["first_response"].state == "soon"  # 30 minutes left of 8 hours
    with pytest.raises(Conflict, match="not paused"), clock.frozen(at(4, 10)):
        case_resume(actor=people.agent, case=complaint)


def test_a_clock_is_shown_as_of_a_past_moment(complaint, people):
    with clock.frozen(at(3, 9)):
        case_wait(actor=people.agent, case=complaint, reason="r")
    with clock.frozen(at(5, 9)):
        case_resume(actor=people.agent, case=complaint)

    with clock.frozen(at(6, 9)):
        then = by_kind(clocks_of(complaint.pk, as_of=at(3, 12)))
        now = by_kind(clocks_of(complaint.pk))

    assert then["first_response"].state == "paused"
    assert now["first_response"].due_at == at(5, 10)


def test_extensions_follow_the_rule_with_approver_and_notice(complaint, people):
    with pytest.raises(PermissionDenied):
        case_deadline_extend(
            actor=people.agent, case=complaint, rule="cbirc-complaint", reason="r", notice="n"
        )
    with clock.frozen(at(10, 9)):
        case_deadline_extend(
            actor=people.supervisor,
            case=complaint,
            rule="cbirc-complaint",
            reason="complex: three accounts involved",
            notice="您的投诉情况复杂，处理期限延长至30日。",
        )
        once = by_kind(clocks_of(complaint.pk))["statutory:cbirc-complaint"]
        case_deadline_extend(
            actor=people.compliance,
            case=complaint,
            rule="cbirc-complaint",
            reason="senior approval",
            notice="再延长30日",
        )
        twice = by_kind(clocks_of(complaint.pk))["statutory:cbirc-complaint"]
        with pytest.raises(Conflict, match="no further extension"):
            case_deadline_extend(
                actor=people.supervisor,
                case=complaint,
                rule="cbirc-complaint",
                reason="r",
                notice="n",
            )

    assert once.due_at == dt.datetime(2026, 4, 2, 0, 0, tzinfo=SH) and once.extended == 1
    # 60 days end on Friday 1 May, a holiday only if the calendar says so: here a weekday
    assert twice.due_at == dt.datetime(2026, 5, 2, 0, 0, tzinfo=SH) and twice.extended == 2


def test_the_sweep_warns_breaches_and_escalates_each_step_once(complaint, people):
    with clock.frozen(at(2, 11)):
        clock_sweep(actor=None)
    assert not ClockAlert.objects.exists()  # 6 of 8 working hours left: not yet due soon

    with clock.frozen(at(3, 9, 30)):
        clock_sweep(actor=None)
    assert list(ClockAlert.objects.values_list("step", "recipient__username")) == [
        ("due_soon", "alice")
    ]

    with clock.frozen(at(3, 11)):
        clock_sweep(actor=None)
        entries = Entry.objects.count()
        clock_sweep(actor=None)  # again: nothing new
        assert Entry.objects.count() == entries
    with clock.frozen(at(3, 15)):
        clock_sweep(actor=None)
    with clock.frozen(at(4, 12)):
        clock_sweep(actor=None)

    steps = set(
        ClockAlert.objects.filter(clock="first_response").values_list("step", "recipient__username")
    )
    assert steps == {
        ("due_soon", "alice"),
        ("breach", "alice"),
        ("escalate:supervisor", "sam"),
        ("escalate:compliance", "carl"),
    }
    escalations = Entry.objects.filter(action="clock.escalate", root=f"case:{complaint.pk}")
    assert sorted(e.object_id for e in escalations) == [str(complaint.pk)] * 2
    assert CaseClock.objects.get(case=complaint, kind="first_response").state == "breached"


def test_closing_meets_the_resolution_clock(complaint, people):
    with clock.frozen(at(3, 9)):
        case_update(actor=people.agent, case=complaint, data={"status": "acknowledged"})
    with clock.frozen(at(4, 11)):
        case_update(
            actor=people.agent, case=complaint, data={"status": "closed", "resolution": "refunded"}
        )
        clocks = by_kind(clocks_of(complaint.pk))

    assert clocks["first_response"].state == "met"
    assert clocks["resolution"].state == "met"
    assert clocks["statutory:cbirc-complaint"].state == "met"


def test_the_next_update_is_due_an_interval_after_each_update_the_customer_sees(complaint, people):
    from caseledger.workflow.clocks.services import sla_policy_set

    with clock.frozen(at(2, 10, 30)):
        assert "next_update" not in by_kind(clocks_of(complaint.pk))  # not answered yet
    with clock.frozen(at(2, 11)):
        case_note_add(actor=people.agent, case=complaint, body="收到 received", kind="outbound")
    with clock.frozen(at(2, 12)):
        first = by_kind(clocks_of(complaint.pk))["next_update"]
    # normal priority: 16 working hours: Mon 11-12, 13-18 (6 h), Tue (8 h), Wed 9-11
    assert first.started_at == at(2, 11) and first.due_at == at(4, 11) and first.state == "ok"

    with clock.frozen(at(3, 9)):
        case_wait(actor=people.agent, case=complaint, reason="asked for the statement")
    with clock.frozen(at(3, 13)):
        case_note_add(actor=people.agent, case=complaint, body="statement", kind="inbound")
        assert by_kind(clocks_of(complaint.pk))["next_update"].due_at == at(4, 15)  # +3 h
    with clock.frozen(at(4, 16)):
        assert by_kind(clocks_of(complaint.pk))["next_update"].state == "breached"
        case_update(actor=people.agent, case=complaint, data={"status": "investigating"})
        again = by_kind(clocks_of(complaint.pk))["next_update"]
    # the status move is an update too (the status page shows it): Wed 16-18, Thu, Fri 9-16
    assert again.started_at == at(4, 16) and again.due_at == at(6, 16) and again.state == "ok"

    sla_policy_set(
        actor=people.admin,
        data={"name": "sales normal", "department": people.sales, "priority": "normal",
              "first_response_minutes": 60, "resolution_minutes": 6000,
              "next_update_minutes": 120},
    )  # fmt: skip
    with clock.frozen(at(4, 17)):
        assert by_kind(clocks_of(complaint.pk))["next_update"].due_at == at(4, 18)  # 2 h
    with clock.frozen(at(5, 9)):
        complaint.refresh_from_db()
        case_update(
            actor=people.agent,
            case=complaint,
            data={"status": "responded"},
        )
        complaint.refresh_from_db()
        case_update(
            actor=people.agent, case=complaint, data={"status": "closed", "resolution": "refunded"}
        )
        closed = by_kind(clocks_of(complaint.pk))["next_update"]
    assert closed.state == "met" and closed.stopped_at == at(5, 9)


def test_a_case_recorded_already_closed_has_its_clocks_stopped_when_it_closed():
    # The demo (and any record brought over whole) writes a closed case in one entry; its
    # clocks must stop at its closed_at, not run on from received_at and show breached.
    from types import SimpleNamespace

    from caseledger.workflow.clocks.compute import Policy, compute, replay
    from caseledger.workflow.worktime import WorkCalendar

    received, closed = at(2, 10), at(3, 11)
    created = SimpleNamespace(
        object_type="case",
        action="case.create",
        at=at(20, 9),  # recorded long after, as a history load does
        state={"status": "closed", "received_at": received.isoformat(),
               "closed_at": closed.isoformat()},
    )  # fmt: skip
    events = replay([created])
    assert events.closed_at == closed and events.first_response_at == closed
    policy = Policy(name="normal", first_response_minutes=8 * 60, resolution_minutes=40 * 60)
    clocks = {c.kind: c for c in compute(events, now=at(30, 12), calendar=WorkCalendar(),
                                         policy=policy, rules=[])}  # fmt: skip
    assert clocks["resolution"].state == "met"
    assert clocks["first_response"].state == "breached"  # 8 working hours after Monday 10:00
