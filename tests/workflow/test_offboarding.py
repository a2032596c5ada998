"""Offboarding (`workflow.services.user_deactivate`): everything the leaver owned moves to
the successor or the department queue, in one transaction, one journal entry per item."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from caseledger.accounts.models import ApiToken
from caseledger.accounts.services import token_create, user_create, user_update
from caseledger.cases.models import Case
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.journal.queries import history
from caseledger.privacy.services import privacy_request_assign, privacy_request_open
from caseledger.retention.services import hold_place
from caseledger.workflow.queries import orphaned_counts, owned_by
from caseledger.workflow.services import user_deactivate
from tests.factories import make_case, make_customer


@pytest.fixture
def colleague(people):
    """Another agent of sales, who can take over alice's sales cases."""
    return user_create(
        actor=None, username="bea", password=None, roles=["agent"], department=people.sales
    )


def _cases_of(people, n=2):
    customer = make_customer(people.agent, people.sales)
    return [make_case(people.agent, customer, assignee=people.agent.pk) for _ in range(n)]


def test_an_agent_leaving_hands_open_cases_to_the_successor_with_one_entry_each(people, colleague):
    cases = _cases_of(people, 3)
    token_create(actor=None, user=people.agent, name="phone app", scopes=["cases:read"])
    client = Client()
    client.force_login(people.agent)

    result = user_deactivate(
        actor=people.admin, user=people.agent, successor=colleague, reason="left the company"
    )

    people.agent.refresh_from_db()
    assert people.agent.is_active is False
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("assignee", flat=True)
    ) == {colleague.pk}
    for case in cases:
        [entry] = [e for e in history(f"case:{case.pk}") if e.action == "case.reassign"]
        assert entry.changes["assignee_id"] == [people.agent.pk, colleague.pk]
        assert "alice" in entry.reason and "left the company" in entry.reason
    assert result.tokens_revoked == 1
    assert not ApiToken.objects.filter(user=people.agent, revoked_at__isnull=True).exists()
    assert result.sessions_ended == 1 and not Session.objects.exists()
    assert client.get("/cases/").status_code == 302  # logged out: back to the login page
    assert orphaned_counts() == dict.fromkeys(orphaned_counts(), 0)


def test_cases_the_successor_may_not_work_go_to_the_department_queue(people):
    cases = _cases_of(people, 2)

    user_deactivate(
        actor=people.admin, user=people.agent, successor=people.outsider, reason="moved on"
    )

    assert list(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("assignee", flat=True)
    ) == [None, None]
    assert all(case.status != "closed" for case in Case.objects.filter(assignee=None))


def test_without_a_successor_everything_that_can_wait_in_a_queue_goes_there(people):
    _cases_of(people, 2)
    customer = make_customer(people.agent, people.sales)
    request = privacy_request_open(actor=people.compliance, customer=customer, kind="access")
    privacy_request_assign(actor=people.compliance, request=request, handler=people.compliance)
    other_compliance = user_create(actor=None, username="cora", password=None, roles=["compliance"])

    user_deactivate(actor=people.admin, user=people.agent, reason="left")
    user_deactivate(
        actor=people.admin, user=people.compliance, reason="left", successor=other_compliance
    )

    request.refresh_from_db()
    assert request.handler_id == other_compliance.pk
    assert Case.objects.filter(assignee__isnull=True).count() == 2
    assert sum(orphaned_counts().values()) == 0


def test_a_hold_owner_needs_a_successor_who_may_manage_holds_or_nothing_happens(people, case):
    hold = hold_place(
        actor=people.records_manager,
        matter="Zhang v. Bank",
        reason="litigation",
        scope="cases",
        cases=[case.pk],
    )
    entries = Entry.objects.count()

    with pytest.raises(ValidationFailed, match=f"legal hold\\(s\\) {hold.pk} need a successor"):
        user_deactivate(actor=people.admin, user=people.records_manager, reason="retired")
    with pytest.raises(ValidationFailed, match="need a successor who may manage holds"):
        user_deactivate(
            actor=people.admin, user=people.records_manager, successor=people.agent, reason="x"
        )

    people.records_manager.refresh_from_db()
    assert people.records_manager.is_active and Entry.objects.count() == entries
    user_deactivate(
        actor=people.admin, user=people.records_manager, successor=people.compliance, reason="r"
    )
    hold.refresh_from_db()
    assert hold.owner_id == people.compliance.pk
    [moved] = [e for e in history(f"legal_hold:{hold.pk}") if e.action == "hold.reassign"]
    assert moved.changes["owner_id"] == [people.records_manager.pk, people.compliance.pk]


def test_an_open_disposition_proposal_moves_to_a_successor_who_may_propose(people, customer):
    from caseledger.disposition.services import disposition_propose
    from tests.disposition.conftest import make_schedule, recompute

    schedule = make_schedule(people, "destroy", code="offboard")
    case = make_case(people.agent, customer)
    recompute(people)
    batch = disposition_propose(
        actor=people.records_manager, schedule=schedule, records=[case.pk], reason="due"
    )
    successor = user_create(actor=None, username="ron", password=None, roles=["records_manager"])

    user_deactivate(
        actor=people.admin, user=people.records_manager, successor=successor, reason="r"
    )

    batch.refresh_from_db()
    assert batch.proposed_by_id == successor.pk
    assert sum(owned_by(people.records_manager)[k].count() for k in ("disposition_batch",)) == 0


def test_refusals_name_the_problem(people, colleague):
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=people.supervisor, user=people.agent, reason="x")
    with pytest.raises(ValidationFailed, match="reason"):
        user_deactivate(actor=people.admin, user=people.agent, reason="  ")
    with pytest.raises(ValidationFailed, match="cannot succeed themselves"):
        user_deactivate(actor=people.admin, user=people.agent, successor=people.agent, reason="x")
    user_deactivate(actor=people.admin, user=colleague, reason="gone")
    with pytest.raises(ValidationFailed, match="bea is deactivated"):
        user_deactivate(actor=people.admin, user=people.agent, successor=colleague, reason="x")
    with pytest.raises(Conflict, match="already deactivated"):
        user_deactivate(actor=people.admin, user=colleague, reason="again")
    with pytest.raises(ValidationFailed, match="last active administrator"):
        user_deactivate(actor=None, user=people.admin, reason="x")


def test_health_names_work_left_on_a_person_deactivated_without_offboarding(people, client):
    _cases_of(people, 2)
    user_update(actor=people.admin, user=people.agent, data={"is_active": False})

    check = client.get("/healthz").json()["checks"]["inactive_owners"]

    assert check["ok"] is False and check["case"] == 2 and check["total"] == 2
