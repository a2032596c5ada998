"""Department queues: assign to me, reassignment with a reason, who may hold a case."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.accounts.queries import assignable_users
from caseledger.accounts.services import user_create
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.queries import history
from caseledger.workflow.queues.queries import queue
from caseledger.workflow.queues.services import case_reassign, case_take
from caseledger.workflow.services import user_deactivate
from tests.factories import make_case, make_customer


@pytest.fixture
def queued(people):
    customer = make_customer(people.agent, people.sales)
    return make_case(people.agent, customer)  # no assignee: in the sales queue


def test_an_agent_takes_a_case_from_the_queue(people, queued):
    assert [c.pk for c in queue(actor=people.agent)] == [queued.pk]
    assert list(queue(actor=people.outsider)) == []  # another department's queue

    case_take(actor=people.agent, case=queued)

    queued.refresh_from_db()
    assert queued.assignee == people.agent and list(queue(actor=people.agent)) == []
    [entry] = [e for e in history(f"case:{queued.pk}") if e.action == "case.take"]
    assert entry.changes["assignee_id"] == [None, people.agent.pk]
    with pytest.raises(Conflict, match="already hold"):
        case_take(actor=people.agent, case=queued)
    bea = user_create(
        actor=None, username="bea", password=None, roles=["agent"], department=people.sales
    )
    with pytest.raises(Conflict, match="already assigned to alice"):
        case_take(actor=bea, case=queued)
    with pytest.raises(PermissionDenied):
        case_take(actor=people.outsider, case=queued)


def test_a_supervisor_reassigns_with_a_reason_to_someone_who_may_work_it(people, queued):
    bea = user_create(
        actor=None, username="bea", password=None, roles=["agent"], department=people.sales
    )
    case_take(actor=people.agent, case=queued)

    with pytest.raises(ValidationFailed, match="reason"):
        case_reassign(actor=people.supervisor, case=queued, assignee=bea, reason="")
    with pytest.raises(ValidationFailed, match="oscar cannot work cases of this department"):
        case_reassign(actor=people.supervisor, case=queued, assignee=people.outsider, reason="r")
    with pytest.raises(Conflict, match="only a supervisor"):
        case_reassign(actor=bea, case=queued, assignee=bea, reason="mine now")
    case_reassign(actor=people.supervisor, case=queued, assignee=bea, reason="alice is on leave")

    queued.refresh_from_db()
    assert queued.assignee == bea
    [entry] = [e for e in history(f"case:{queued.pk}") if e.action == "case.reassign"]
    assert entry.reason == "alice is on leave"
    case_reassign(actor=bea, case=queued, assignee=None, reason="back to the queue")
    assert [c.pk for c in queue(actor=people.agent)] == [queued.pk]


def test_never_to_a_deactivated_person(people, queued):
    bea = user_create(
        actor=None, username="bea", password=None, roles=["agent"], department=people.sales
    )
    user_deactivate(actor=None, user=bea, reason="left")

    with pytest.raises(ValidationFailed, match="bea is deactivated"):
        case_reassign(actor=people.supervisor, case=queued, assignee=bea, reason="r")
    assert "bea" not in {u.username for u in assignable_users(actor=people.supervisor)}


def test_the_assignee_list_offers_only_people_who_may_work_the_case(people, queued):
    names = {
        u.username for u in assignable_users(actor=people.supervisor, department_id=people.sales.pk)
    }

    assert names == {"alice", "sam"}  # not the auditor, the administrator, nor oscar of service


def test_queue_page_and_assign_to_me_button(people, queued):
    client = Client()
    client.force_login(people.agent)

    page = client.get(reverse("web:queue")).content.decode()
    taken = client.post(reverse("web:case_take", args=[queued.pk]), follow=True)

    assert f'data-case="{queued.reference}"' in page
    assert (
        taken.status_code == 200 and f"{queued.reference} is yours now." in taken.content.decode()
    )
    detail = client.get(reverse("web:case_detail", args=[queued.pk])).content.decode()
    assert '<strong id="assignee-name">alice</strong>' in detail


def test_the_queue_over_the_api(people, queued):
    from tests.api.conftest import ApiClient

    api = ApiClient(people.agent, ["cases:read", "cases:write"])

    listed = api.get("/queue").json()
    taken = api.post(f"/cases/{queued.pk}/take", {})
    again = api.post(f"/cases/{queued.pk}/take", {})
    back = ApiClient(people.supervisor, ["cases:read", "cases:write", "cases:approve"]).post(
        f"/cases/{queued.pk}/reassign", {"assignee": None, "reason": "redistribute"}
    )

    assert [r["reference"] for r in listed] == [queued.reference]
    assert taken.status_code == 200 and taken.json()["assignee"] == "alice"
    assert again.status_code == 409
    assert back.status_code == 200 and back.json()["assignee"] is None
