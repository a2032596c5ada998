"""The demo's working day: templates adopted, clocks in every state, a breached banking
complaint with an extension, a department queue."""

from __future__ import annotations

import pytest

from caseledger.accounts.models import Department, User
from caseledger.cases.models import Case
from caseledger.demo.people import ensure_people
from caseledger.demo.workday import SCRIPTED_CASES, make_workday, workday_cases
from caseledger.journal.models import Entry
from caseledger.workflow.clocks.queries import clocks_of
from caseledger.workflow.models import CaseDue, SlaPolicy, StatutoryRule
from caseledger.workflow.queues.queries import queue
from tests.factories import make_customer


@pytest.fixture
def demo_people(db):
    people = ensure_people("demo-password-for-tests", False)
    agent = people.staff["sales"].agents[0]
    make_customer(User.objects.get(pk=agent), Department.objects.get(code="sales"))
    return people


def test_the_demo_day_shows_every_clock_state_and_a_queue(demo_people):
    day = make_workday(with_cases=True)

    cases = {what: Case.objects.get(reference=ref) for what, ref in day.cases.items()}
    states = {what: {c.kind: c.state for c in clocks_of(case.pk)} for what, case in cases.items()}
    statutory = "statutory:cbirc-complaint"
    assert set(states["running"].values()) == {"ok"}
    assert states["paused"]["first_response"] == "paused"
    assert states["due soon"][statutory] == "soon"
    assert states["breached with an extension"][statutory] == "breached"
    assert set(states["met"].values()) == {"met"}
    extended = Entry.objects.get(
        action="clock.extend", root=f"case:{cases['breached with an extension'].pk}"
    )
    assert extended.actor_name == "sales.supervisor"
    assert CaseDue.objects.get(case=cases["breached with an extension"]).breached is True

    sales = Department.objects.get(code="sales")
    agent = User.objects.get(username="sales.agent2")
    queued = set(queue(actor=agent, department_id=sales.pk).values_list("reference", flat=True))
    assert {day.cases[f"queue {n}"] for n in (1, 2, 3)} <= queued
    assert "sales: banking" in day.templates
    assert SlaPolicy.objects.filter(department=sales).exists()
    assert StatutoryRule.objects.filter(department=sales, code="cbirc-complaint").exists()


def test_a_second_demo_day_adds_no_scripted_cases(demo_people):
    make_workday(with_cases=True)

    assert workday_cases(10_000) == 0  # already there: the loader makes all --cases
    assert Case.objects.filter(subject__startswith="DEMO ").count() == SCRIPTED_CASES
    again = make_workday(with_cases=False)
    assert again.cases == {} and len(again.templates) == 4
