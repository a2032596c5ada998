"""The demo's working day: templates adopted, clocks in every state, a breached banking
complaint with an extension, a department queue, a repeat complaint, absent agents and an
assignment rule per department."""

from __future__ import annotations

import pytest

from caseledger.accounts.models import Department, User
from caseledger.cases.models import Case
from caseledger.cases.services import case_create
from caseledger.customers.models import Customer
from caseledger.demo.people import ensure_people
from caseledger.demo.workday import SCRIPTED_CASES, make_workday, workday_cases
from caseledger.journal.models import Entry
from caseledger.workflow.assign.queries import absent_ids, may_work
from caseledger.workflow.assign.queries import today as assign_today
from caseledger.workflow.clocks.queries import clocks_of
from caseledger.workflow.models import (
    Absence,
    AssignmentRule,
    CaseDue,
    CaseLink,
    SlaPolicy,
    StatutoryRule,
)
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


def test_the_demo_day_records_absent_agents_whom_no_rule_or_list_offers(demo_people):
    day = make_workday(with_cases=True)

    today = assign_today()
    absences = {a.user.username: a for a in Absence.objects.filter(reason__startswith="DEMO ")}
    assert {"sales.agent3", "claims.agent2", "sales.agent2"} == set(absences)
    assert len(day.absences) == 3
    # Two agents away today, one absence over before today.
    assert absent_ids() >= {absences["sales.agent3"].user_id, absences["claims.agent2"].user_id}
    assert absences["sales.agent2"].ends_on < today
    assert absences["sales.agent2"].user_id not in absent_ids()
    for absence in absences.values():
        entry = Entry.objects.get(
            action="absence.add", object_type="absence", object_id=str(absence.pk)
        )
        assert entry.actor_name == "admin"

    sales = Department.objects.get(code="sales")
    offered = {u.username for u in may_work(sales.pk)}
    assert "sales.agent3" not in offered and {"sales.agent1", "sales.agent2"} <= offered


def test_the_demo_day_gives_each_department_an_assignment_rule_that_skips_the_absent(
    demo_people,
):
    day = make_workday(with_cases=True)

    rules = {r.department.code: r for r in AssignmentRule.objects.select_related("department")}
    assert set(rules) == {"sales", "claims", "service", "after-sales"}
    assert {r.strategy for r in rules.values()} == {"round_robin", "least_open"}
    assert rules["sales"].strategy == "round_robin"
    assert rules["claims"].strategy == "least_open"
    assert len(day.rules) == 4
    for rule in rules.values():
        assert Entry.objects.filter(
            action="assign.rule_set", object_type="assignment_rule", object_id=str(rule.pk)
        ).exists()
    # The scripted queue stays a queue: the rules came after its cases.
    assert Case.objects.filter(subject__startswith="DEMO queue", assignee__isnull=True).count() == 3

    # A new sales complaint goes to a present agent, never to the absent sales.agent3.
    agent = User.objects.get(username="sales.agent1")
    customer = Customer.objects.filter(department__code="sales").first()
    given = set()
    for n in range(4):
        case = case_create(
            actor=agent,
            data={
                "kind": "complaint",
                "channel": "email",
                "category": "billing",
                "subject": f"rule {n}",
                "description": "d",
                "department": "sales",
                "customer": customer.pk,
            },
        )
        given.add(case.assignee.username)
    assert given == {"sales.agent1", "sales.agent2"}


def test_the_demo_day_links_a_repeat_complaint_to_the_earlier_one(demo_people):
    day = make_workday(with_cases=True)

    running = Case.objects.get(reference=day.cases["running"])
    paused = Case.objects.get(reference=day.cases["paused"])
    link = CaseLink.objects.get(case=paused, kind="repeat")
    assert link.earlier_id == running.pk and link.basis == "category"
    assert Entry.objects.filter(
        action="case.repeat_link", root=f"case:{paused.pk}", object_id=str(link.pk)
    ).exists()


def test_a_second_demo_day_adds_no_absences_or_rules(demo_people):
    make_workday(with_cases=True)
    absences, rules = Absence.objects.count(), AssignmentRule.objects.count()

    again = make_workday(with_cases=False)

    assert again.absences == [] and again.rules == []
    assert (Absence.objects.count(), AssignmentRule.objects.count()) == (absences, rules)
