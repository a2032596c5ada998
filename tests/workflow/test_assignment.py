"""Assignment rules and the absence calendar: a new case goes to an active, present agent
of its department by the first matching rule; nobody away or deactivated is ever given one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from caseledger.accounts.services import user_create
from caseledger.cases.services import case_update
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.intake.services import intake_record
from caseledger.journal.queries import history
from caseledger.workflow.assign.absences import absence_add, absence_cancel
from caseledger.workflow.assign.queries import assignees_for, may_work
from caseledger.workflow.assign.rules import assign_rule_remove, assign_rule_set
from caseledger.workflow.models import AssignmentRule
from caseledger.workflow.queues.services import case_reassign
from caseledger.workflow.services import user_deactivate
from tests.factories import make_case, make_customer

SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def team(people):
    """alice (the personas' agent), bea and cai: the sales agents."""
    made = {
        name: user_create(
            actor=None, username=name, password=None, roles=["agent"], department=people.sales
        )
        for name in ("bea", "cai")
    }
    return {"alice": people.agent, **made}


def _rule(people, **over):
    data = {"name": "sales round", "department": "sales", "strategy": "round_robin", **over}
    return assign_rule_set(actor=people.admin, data=data)


def _new(people, customer, **over):
    if over.get("category") == "other":
        over["subcategory"] = ""
    return make_case(people.agent, customer, **over)


def test_a_round_robin_rule_gives_new_cases_in_turn_and_journals_each(people, team):
    _rule(people)
    customer = make_customer(people.agent, people.sales)
    with clock.frozen(MONDAY):
        given = [_new(people, customer, category="other").assignee.username for _ in range(4)]

    assert given == ["alice", "bea", "cai", "alice"]
    case = _new(people, customer, category="other")
    [entry] = [e for e in history(f"case:{case.pk}") if e.action == "case.auto_assign"]
    assert entry.changes["assignee_id"] == [None, team["bea"].pk]
    assert "sales round" in entry.reason


def test_an_absent_or_deactivated_agent_is_never_given_a_case(people, team):
    _rule(people)
    customer = make_customer(people.agent, people.sales)
    with clock.frozen(MONDAY):
        absence_add(
            actor=team["bea"],
            user=team["bea"],
            data={"starts_on": "2026-03-01", "ends_on": "2026-03-06", "reason": "年假 leave"},
        )
        user_deactivate(actor=people.admin, user=team["cai"], reason="left")
        given = {_new(people, customer, category="other").assignee.username for _ in range(3)}
        assert given == {"alice"}
        assert [u.username for u in may_work(people.sales.pk)] == ["alice", "sam"]
    with clock.frozen(MONDAY + dt.timedelta(days=7)):  # bea is back
        assert _new(people, customer, category="other").assignee.username == "bea"


def test_fewest_open_cases_goes_to_the_least_loaded_agent(people, team):
    customer = make_customer(people.agent, people.sales)
    for _ in range(2):
        _new(people, customer, category="other", assignee=team["alice"].pk)
    _new(people, customer, category="other", assignee=team["bea"].pk)
    _rule(people, strategy="least_open")

    first = _new(people, customer, category="other")
    second = _new(people, customer, category="other")

    assert first.assignee == team["cai"]
    assert second.assignee == team["bea"]  # bea 1, cai 1: the first by name


def test_the_first_matching_rule_by_category_channel_and_product_decides(people, team):
    customer = make_customer(people.agent, people.sales)
    absence_add(
        actor=people.admin,
        user=team["alice"],
        data={"starts_on": "2000-01-01", "ends_on": "2000-01-02", "reason": "long ago"},
    )
    _rule(people, name="billing", position=1, category="billing", strategy="least_open")
    _rule(people, name="email", position=2, channel="email")
    _rule(people, name="card", position=0, product_ref="CARD-1", category="billing")

    card = _new(people, customer, product_ref="CARD-1")
    mail = _new(people, customer, category="other", channel="email")
    phone = _new(people, customer, category="other", channel="phone")

    def rule_of(case):
        [e] = [e for e in history(f"case:{case.pk}") if e.action == "case.auto_assign"]
        return e.reason.split(" ")[3]

    assert rule_of(card) == "card" and rule_of(mail) == "email"
    assert phone.assignee is None  # no rule matches: the department queue


def test_nobody_present_leaves_the_case_in_the_queue(people):
    _rule(people)
    absence_add(
        actor=people.agent,
        user=people.agent,
        data={"starts_on": "2020-01-01", "ends_on": "2020-12-31", "reason": "away"},
    )
    customer = make_customer(people.agent, people.sales)
    with clock.frozen(dt.datetime(2020, 6, 1, 10, tzinfo=SH)):
        assert _new(people, customer, category="other").assignee is None


def test_a_rule_applies_to_a_complaint_from_any_channel(people, team):
    _rule(people, channel="web_form")
    recorded = intake_record(
        actor=people.agent,
        data={
            "department": "sales",
            "customer": {"kind": "person", "name": "访客", "contact_points": []},
            "case": {"kind": "complaint", "channel": "web_form", "category": "other",
                     "subject": "from the form"},
        },
    )  # fmt: skip
    assert recorded.case.assignee == people.agent


def test_an_absent_person_cannot_be_given_a_case_by_hand(people, team):
    customer = make_customer(people.agent, people.sales)
    case = _new(people, customer, assignee=people.agent.pk)
    with clock.frozen(MONDAY):
        absence_add(
            actor=people.admin,
            user=team["bea"],
            data={"starts_on": "2026-03-02", "ends_on": "2026-03-02", "reason": "doctor"},
        )
        with pytest.raises(ValidationFailed, match="bea is absent until 2026-03-02"):
            case_reassign(actor=people.supervisor, case=case, assignee=team["bea"], reason="cover")
        with pytest.raises(ValidationFailed, match="absent"):
            case_update(actor=people.agent, case=case, data={"assignee": "bea"})
        with pytest.raises(ValidationFailed, match="absent"):
            _new(people, customer, assignee=team["bea"].pk)
        names = [u.username for u in assignees_for(actor=people.agent, case_id=case.pk)]
        assert names == ["alice", "cai", "sam"]
        # alice holds it while away: her case can still be edited
        absence_add(
            actor=people.agent,
            user=people.agent,
            data={"starts_on": "2026-03-02", "ends_on": "2026-03-03", "reason": "ill"},
        )
        case_update(actor=people.agent, case=case, data={"priority": "high"})
        case_reassign(actor=people.supervisor, case=case, assignee=team["cai"], reason="cover")


def test_absences_are_recorded_by_the_person_or_an_administrator_and_journaled(people, team):
    with pytest.raises(PermissionDenied):
        absence_add(
            actor=team["bea"],
            user=team["cai"],
            data={"starts_on": "2026-03-02", "ends_on": "2026-03-02", "reason": "x"},
        )
    with pytest.raises(ValidationFailed) as refused:
        absence_add(
            actor=team["bea"],
            user=team["bea"],
            data={"starts_on": "2026-03-05", "ends_on": "2026-03-02", "reason": ""},
        )
    assert {e.field for e in refused.value.errors} == {"ends_on", "reason"}
    with pytest.raises(ValidationFailed, match="not a date"):
        absence_add(
            actor=team["bea"],
            user=team["bea"],
            data={"starts_on": "soon", "ends_on": "2026-03-02", "reason": "x"},
        )
    away = absence_add(
        actor=team["bea"],
        user=team["bea"],
        data={"starts_on": "2026-03-02", "ends_on": "2026-03-04", "reason": "年假"},
    )
    absence_cancel(actor=people.admin, absence=away, reason="plans changed")
    with pytest.raises(Conflict):
        absence_cancel(actor=team["bea"], absence=away)
    actions = [e.action for e in history(f"user:{team['bea'].pk}")]
    assert actions[-2:] == ["absence.add", "absence.cancel"]


def test_only_administrators_edit_rules_and_bad_rules_are_refused(people):
    with pytest.raises(PermissionDenied):
        _rule_as(people.supervisor)
    with pytest.raises(ValidationFailed) as refused:
        assign_rule_set(
            actor=people.admin,
            data={"name": "", "department": "nowhere", "strategy": "random", "colour": 1},
        )
    fields = {e.field for e in refused.value.errors}
    assert {"name", "department", "strategy", "colour"} <= fields
    rule = _rule(people)
    assign_rule_set(actor=people.admin, rule=rule, data={"is_active": False, "position": 5})
    rule.refresh_from_db()
    assert rule.is_active is False and rule.position == 5
    assign_rule_remove(actor=people.admin, rule=rule, reason="not needed")
    assert not AssignmentRule.objects.exists()
    actions = [e.action for e in history(f"assignment_rule:{rule.pk}")]
    assert actions == ["assign.rule_set", "assign.rule_set", "assign.rule_remove"]


def _rule_as(actor):
    return assign_rule_set(
        actor=actor, data={"name": "x", "department": "sales", "strategy": "round_robin"}
    )


def test_an_absent_successor_is_refused_at_offboarding(people, team):
    with clock.frozen(MONDAY):
        absence_add(
            actor=people.admin,
            user=team["bea"],
            data={"starts_on": "2026-03-02", "ends_on": "2026-03-09", "reason": "leave"},
        )
        with pytest.raises(ValidationFailed, match="bea is absent until 2026-03-09"):
            user_deactivate(
                actor=people.admin, user=team["cai"], reason="left", successor=team["bea"]
            )
