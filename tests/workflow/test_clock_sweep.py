"""The sweep keeps the stored clocks current without replaying every open case: it replays
the cases the journal has news of, moves the rest on with time by their stored moments,
and recomputes everything when a policy, rule or calendar changes."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from caseledger.cases.services import case_note_add, case_update
from caseledger.core import clock
from caseledger.journal.models import Entry
from caseledger.workflow.clocks import sweep as sweep_module
from caseledger.workflow.clocks.queries import clocks_of
from caseledger.workflow.clocks.services import (
    case_resume,
    case_wait,
    clock_sweep,
    sla_policy_set,
    statutory_rules_adopt,
)
from caseledger.workflow.models import CaseClock, CaseDue, ClockAlert, ClockSweepMark
from tests.factories import make_case, make_customer

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SH)


@pytest.fixture
def cases(people):
    """Three normal banking complaints in sales, received Monday 2 March 2026, 10:00."""
    with clock.frozen(at(2, 10)):
        statutory_rules_adopt(actor=people.admin, industry="banking", department=people.sales)
        customer = make_customer(people.agent, people.sales)
        return [
            make_case(people.agent, customer, assignee=people.agent.pk, subject=f"case {n}")
            for n in range(3)
        ]


def stored(case) -> dict[str, str]:
    return dict(CaseClock.objects.filter(case=case).values_list("kind", "state"))


def replayed(case, now) -> dict[str, str]:
    return {c.kind: c.state for c in clocks_of(case.pk, now)}


def test_a_second_sweep_replays_only_the_cases_with_news(cases, people):
    with clock.frozen(at(2, 11)):
        first = clock_sweep(actor=None)
    with clock.frozen(at(2, 11, 5)):
        quiet = clock_sweep(actor=None)
    with clock.frozen(at(2, 11, 7)):
        case_note_add(actor=people.agent, case=cases[0], body="called back", kind="outbound")
    with clock.frozen(at(2, 11, 10)):
        news = clock_sweep(actor=None)

    assert first["cases"] == 3 and quiet["cases"] == 0 and news["cases"] == 1
    assert stored(cases[0])["first_response"] == "met"
    assert stored(cases[1])["first_response"] == "ok"


def test_clocks_turn_due_soon_and_breached_with_time_without_a_replay(cases, people):
    with clock.frozen(at(2, 11)):
        clock_sweep(actor=None)
    with clock.frozen(at(3, 9, 30)):  # 30 of 480 working minutes left
        soon = clock_sweep(actor=None)
        assert soon["cases"] == 0 and soon["moved"] == 3
        assert stored(cases[1]) == replayed(cases[1], at(3, 9, 30))
        assert CaseDue.objects.get(case=cases[1]).state == "soon"
    with clock.frozen(at(3, 10, 1)):
        breached = clock_sweep(actor=None)
        assert stored(cases[2]) == replayed(cases[2], at(3, 10, 1))

    assert breached["cases"] == 0
    assert stored(cases[2])["first_response"] == "breached"
    due = CaseDue.objects.get(case=cases[2])
    assert due.breached is True and due.state == "breached"  # the overdue clock comes first
    steps = set(ClockAlert.objects.filter(case=cases[2]).values_list("step", flat=True))
    assert steps == {"due_soon", "breach"}


def test_the_stored_clocks_match_a_replay_through_a_week_of_sweeps(cases, people):
    """Every 2 hours for a week, with a pause, a resume, a reply and a close in between:
    what the sweep stored is what a replay of the journal says at that moment."""
    events = {
        at(2, 14): lambda: case_wait(actor=people.agent, case=cases[0], reason="statement"),
        at(3, 16): lambda: case_resume(actor=people.agent, case=cases[0]),
        at(4, 12): lambda: case_update(
            actor=people.agent, case=cases[1], data={"status": "responded"}
        ),
        at(5, 10): lambda: case_update(
            actor=people.agent,
            case=cases[1].__class__.objects.get(pk=cases[1].pk),
            data={"status": "closed", "resolution": "refunded"},
        ),
    }
    moment = at(2, 10)
    while moment < at(9, 10):
        moment += dt.timedelta(hours=2)
        for when in [w for w in events if w <= moment]:
            with clock.frozen(when):
                events.pop(when)()
        with clock.frozen(moment):
            clock_sweep(actor=None)
            for case in cases:
                assert stored(case) == replayed(case, moment), (case.subject, moment)


def test_a_policy_change_recomputes_every_open_case(cases, people):
    with clock.frozen(at(2, 11)):
        clock_sweep(actor=None)
        assert CaseClock.objects.get(case=cases[0], kind="first_response").due_at == at(3, 10)
    with clock.frozen(at(2, 11, 30)):
        sla_policy_set(
            actor=people.admin,
            data={"name": "fast", "first_response_minutes": 120, "resolution_minutes": 960},
        )
    with clock.frozen(at(2, 12)):
        again = clock_sweep(actor=None)

    assert again["cases"] == 3
    assert CaseClock.objects.get(case=cases[0], kind="first_response").due_at == at(2, 12)


def test_a_sweep_killed_before_it_finished_is_finished_by_the_next(cases, people, monkeypatch):
    raise_for = sweep_module.Notices.raise_for

    def raise_then_die(self, rows) -> None:  # killed after its notices, before the mark
        raise_for(self, rows)
        raise RuntimeError("killed")

    with clock.frozen(at(3, 10, 30)), monkeypatch.context() as patched:
        patched.setattr(sweep_module.Notices, "raise_for", raise_then_die)
        with pytest.raises(RuntimeError):
            clock_sweep(actor=None)
    assert not ClockSweepMark.objects.exists()  # the mark is written last
    raised = ClockAlert.objects.count()
    with clock.frozen(at(3, 10, 35)):
        clock_sweep(actor=None)

    assert raised == 3  # one breach notice per case, each once
    assert ClockAlert.objects.count() == 3 and ClockSweepMark.objects.count() == 1


def test_the_case_list_by_due_time_lists_running_clocks_soonest_first(cases, people, client):
    with clock.frozen(at(2, 11)):
        case_update(
            actor=people.agent,
            case=cases[1],
            data={"status": "closed", "resolution": "refunded"},
        )
        case_update(actor=people.agent, case=cases[2], data={"priority": "urgent"})
        clock_sweep(actor=None)
        client.force_login(people.agent)
        soonest = client.get(reverse("web:case_list"), {"sort": "due"}).content.decode()
        latest = client.get(reverse("web:case_list"), {"sort": "-due"}).content.decode()

    assert soonest.index("case 2") < soonest.index("case 0")
    assert latest.index("case 0") < latest.index("case 2")
    assert "case 1" not in soonest  # closed: no running clock, no due time


def test_the_case_list_filtered_by_breach_shows_only_breached_cases(cases, people, client):
    with clock.frozen(at(2, 11)):
        case_update(actor=people.agent, case=cases[2], data={"priority": "urgent"})
    with clock.frozen(at(2, 15)):  # the urgent case's hour ran out at 12:00
        clock_sweep(actor=None)
        client.force_login(people.agent)
        html = client.get(reverse("web:case_list"), {"clock": "breached", "sort": "due"})

    body = html.content.decode()
    assert "case 2" in body and "case 0" not in body and "case 1" not in body


def test_a_case_no_longer_in_the_database_is_skipped_by_the_replay(cases):
    from caseledger.workflow.clocks.queries import ClockContext
    from caseledger.workflow.clocks.store import recompute

    gone = max(c.pk for c in cases) + 1000  # as a destroyed case: entries, no row
    with clock.frozen(at(2, 11)):
        done = recompute([cases[0].pk, gone], at(2, 11), ClockContext())

    assert done == 1 and not CaseClock.objects.filter(case_id=gone).exists()


def test_each_missed_next_update_is_noticed_once_per_cycle(cases, people):
    case = cases[0]
    with clock.frozen(at(2, 10)):
        sla_policy_set(
            actor=people.admin,
            data={"name": "sales normal", "department": people.sales, "priority": "normal",
                  "first_response_minutes": 480, "resolution_minutes": 6000,
                  "next_update_minutes": 60},
        )  # fmt: skip
    with clock.frozen(at(2, 11)):
        case_note_add(actor=people.agent, case=case, body="收到 received", kind="outbound")
    with clock.frozen(at(2, 13, 30)):  # due 12:00
        clock_sweep(actor=None)
    with clock.frozen(at(2, 13, 40)):
        clock_sweep(actor=None)

    def breaches():
        return ClockAlert.objects.filter(case=case, clock="next_update", step="breach")

    def journaled():
        entries = Entry.objects.filter(action="clock.breach", root=f"case:{case.pk}")
        afters = [json.loads(e.payload.body)["state"] for e in entries.order_by("seq")]
        return [a for a in afters if a["clock"] == "next_update"]

    assert breaches().count() == 1 and len(journaled()) == 1

    with clock.frozen(at(2, 14)):  # the next update, late: a new cycle due 15:00
        case_note_add(actor=people.agent, case=case, body="still checking", kind="outbound")
    with clock.frozen(at(2, 14, 30)):
        clock_sweep(actor=None)
        assert stored(case)["next_update"] == "ok"
    with clock.frozen(at(2, 15, 30)):
        clock_sweep(actor=None)
    with clock.frozen(at(2, 15, 40)):
        clock_sweep(actor=None)

    assert breaches().count() == 2
    assert sorted(breaches().values_list("cycle", flat=True)) == [
        at(2, 12).astimezone(dt.UTC).isoformat(),
        at(2, 15).astimezone(dt.UTC).isoformat(),
    ]
    assert [a["due_at"] for a in journaled()] == [
        at(2, 12).astimezone(dt.UTC).isoformat(),
        at(2, 15).astimezone(dt.UTC).isoformat(),
    ]
    assert {a.recipient_id for a in breaches()} == {people.agent.pk}
