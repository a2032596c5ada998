"""/api/v1/insights/corrective-actions: a supervisor opens one (idempotent), moves it on and
closes it with the verification of its effect, each change against the version read;
everyone else is refused by role, scope or department, and bad input is named."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.journal.models import Entry
from tests.api.conftest import api_as  # noqa: F401  (fixture)

NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)
PATH = "/insights/corrective-actions"
WRITE = ["insights:read", "capa:write"]


def _body(people, case, **over):
    return {
        "department": "sales",
        "problem": "扣费系统重复扣款 double charges",
        "source": "root cause: 计费系统故障",
        "owner": people.supervisor.username,
        "due_on": "2026-11-25",
        "case_ids": [case.pk],
        "reason": "3 complaints this week",
    } | over


@pytest.mark.clock(NOW)
def test_a_supervisor_opens_moves_on_and_closes_an_action_against_the_version_read(
    people,
    case,
    api_as,  # noqa: F811
):
    client = api_as(people.supervisor, WRITE)
    opened = client.post(PATH, _body(people, case), key="capa-1")
    assert opened.status_code == 201, opened.content
    action = opened.json()
    assert action["status"] == "open" and action["owner"] == "sam" and action["version"] == 1
    assert action["case_ids"] == [case.pk] and action["department"] == "sales"
    again = client.post(PATH, _body(people, case), key="capa-1")  # a retry: the same answer
    assert again.status_code == 201 and again.json()["id"] == action["id"]
    assert again["Idempotent-Replayed"] == "true"
    one = f"{PATH}/{action['id']}"

    assert client.patch(one, {"status": "in_progress"}).status_code == 428  # no version
    moved = client.patch(one, {"status": "in_progress", "version": 1})
    assert moved.status_code == 200, moved.content
    assert moved.json()["version"] == 2
    stale = client.patch(one, {"due_on": "2026-12-01", "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["field"] == "version"
    refused = client.patch(one, {"status": "closed", "version": 2})
    assert refused.status_code == 422 and "verification" in refused.content.decode()
    closed = client.patch(
        one, {"status": "closed", "verification": "no double charge in 30 days", "version": 2}
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"] is not None

    listed = client.get(PATH, {"status": "all"}).json()
    assert [a["id"] for a in listed["items"]] == [action["id"]]
    assert client.get(PATH).json()["items"] == []  # `open` (the default): nothing left open
    journal = Entry.objects.filter(object_type="capa", object_id=str(action["id"]))
    assert list(journal.values_list("action", flat=True)) == [
        "capa.open",
        "capa.update",
        "capa.close",
    ]
    assert all(e.via == "api" for e in journal)


@pytest.mark.clock(NOW)
def test_role_scope_and_department_refusals_name_what_is_missing(people, case, api_as):  # noqa: F811
    body = _body(people, case)
    by_agent = api_as(people.agent, WRITE).post(PATH, body)
    assert by_agent.status_code == 403 and by_agent.json()["error"]["field"] == "permission"
    read_only = api_as(people.supervisor, ["insights:read"]).post(PATH, body)
    assert read_only.status_code == 403 and read_only.json()["error"]["field"] == "scope"
    action = api_as(people.compliance, WRITE).post(PATH, body).json()
    assert api_as(people.outsider, ["insights:read"]).get(PATH).status_code == 403  # an agent
    from caseledger.accounts.services import user_create

    elsewhere = user_create(
        actor=None,
        username="sue",
        password=people.password,
        roles=["supervisor"],
        department=people.service,
        supervised=[people.service],
    )
    # Another department's action: not found, as if it did not exist; not in the list.
    other = api_as(elsewhere, WRITE)
    assert other.get(f"{PATH}/{action['id']}").status_code == 404
    assert other.get(PATH, {"status": "all"}).json()["items"] == []
    moved = other.patch(f"{PATH}/{action['id']}", {"status": "in_progress", "version": 1})
    assert moved.status_code == 404
    seen = api_as(people.supervisor, ["insights:read"]).get(f"{PATH}/{action['id']}")
    assert seen.status_code == 200 and seen.json()["problem"] == body["problem"]
    # A token that may only read is told so, not asked for a version first (as for cases).
    versionless = api_as(people.supervisor, ["insights:read"]).patch(
        f"{PATH}/{action['id']}", {"status": "in_progress"}
    )
    assert versionless.status_code == 403


@pytest.mark.clock(NOW)
def test_bad_input_is_named_and_nothing_is_opened(people, case, api_as):  # noqa: F811
    client = api_as(people.supervisor, WRITE)
    bad = client.post(PATH, _body(people, case, owner="nobody", case_ids=[999_999]))
    assert bad.status_code == 422, bad.content
    text = bad.content.decode()
    assert "owner" in text and "999999" in text
    unknown = client.post(PATH, _body(people, case) | {"colour": "red"})
    assert unknown.status_code == 422 and "colour" in unknown.content.decode()
    late = client.post(PATH, _body(people, case, due_on="next week"))
    assert late.status_code == 422 and "due_on" in late.content.decode()
    assert client.get(PATH, {"status": "all"}).json()["items"] == []
