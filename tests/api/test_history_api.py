"""History and as-of: what a record said at a moment, straight from the journal."""

from __future__ import annotations

import datetime as dt
import json

from caseledger.core import clock
from tests.factories import make_case

T0 = dt.datetime(2026, 5, 4, 1, 0, tzinfo=dt.UTC)


def _case_changed_later(people, customer, api):
    with clock.frozen(T0):
        case = make_case(people.agent, customer, subject="Charged twice")
    with clock.frozen(T0 + dt.timedelta(hours=2)):
        response = api.patch(
            f"/cases/{case.pk}",
            {"subject": "Charged three times", "reason": "customer corrected", "version": 1},
        )
        assert response.status_code == 200, response.content
    return case


def test_history_lists_each_change_with_before_and_after(people, customer, api_as):
    api = api_as(people.agent)
    case = _case_changed_later(people, customer, api)

    body = api.get(f"/cases/{case.reference}/history").json()

    assert body["object"] == f"case:{case.pk}"
    assert [i["action"] for i in body["items"]] == ["case.create", "case.update"]
    update = body["items"][1]
    assert update["changes"]["subject"] == ["Charged twice", "Charged three times"]
    assert update["actor"] == "alice" and update["via"] == "api"
    assert update["reason"] == "customer corrected"
    assert update["at"] == "2026-05-04T03:00:00.000000Z"
    assert body["state"]["subject"] == "Charged three times"


def test_as_of_returns_the_earlier_value(people, customer, api_as):
    api = api_as(people.agent)
    case = _case_changed_later(people, customer, api)

    between = api.get(f"/cases/{case.pk}/history", {"as_of": "2026-05-04T10:00:00+08:00"})
    before = api.get(f"/cases/{case.pk}/history", {"as_of": "2026-05-04T00:30:00Z"})

    assert between.status_code == 200, between.content
    assert between.json()["state"]["subject"] == "Charged twice"
    assert [i["action"] for i in between.json()["items"]] == ["case.create"]
    assert before.json()["state"] is None and before.json()["items"] == []


def test_as_of_needs_a_time_zone(people, case, api_as):
    response = api_as(people.agent).get(
        f"/cases/{case.pk}/history", {"as_of": "2026-05-04T10:00:00"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "as_of"


def test_customer_history_and_as_of(people, api_as):
    api = api_as(people.agent)
    with clock.frozen(T0):
        created = api.post(
            "/customers", {"kind": "person", "name": "张伟", "department": "sales"}
        ).json()
    with clock.frozen(T0 + dt.timedelta(days=1)):
        api.patch(f"/customers/{created['id']}", {"name": "王伟明", "version": 1})

    now = api.get(f"/customers/{created['id']}/history").json()
    then = api.get(
        f"/customers/{created['id']}/history", {"as_of": (T0 + dt.timedelta(hours=1)).isoformat()}
    ).json()

    # A person's name is personal data: history shows it masked, as every interface does.
    assert now["state"]["name"] == "**明"
    assert then["state"]["name"] == "*伟"
    assert now["items"][-1]["changes"]["name"] == ["*伟", "**明"]
    raw = json.dumps([now, then], ensure_ascii=False)
    assert "张伟" not in raw and "王伟明" not in raw


def test_generic_history_follows_each_objects_visibility(people, case, api_as):
    agent, outsider, auditor = (
        api_as(people.agent),
        api_as(people.outsider),
        api_as(people.auditor),
    )
    auditor_cases_only = api_as(people.auditor, ["cases:read"])

    assert agent.get(f"/history/case/{case.pk}").status_code == 200
    assert agent.get(f"/history/case/{case.reference}").json()["object"] == f"case:{case.pk}"
    assert agent.get(f"/history/customer/{case.customer_id}").status_code == 200
    assert outsider.get(f"/history/case/{case.pk}").status_code == 404
    assert outsider.get(f"/history/customer/{case.customer_id}").status_code == 404

    # Other objects need the journal permission, and a token that carries journal:read.
    assert agent.get(f"/history/user/{people.agent.pk}").status_code == 403
    assert auditor_cases_only.get(f"/history/user/{people.agent.pk}").status_code == 403
    user_history = auditor.get(f"/history/user/{people.agent.pk}")
    assert user_history.status_code == 200
    assert [i["action"] for i in user_history.json()["items"]] == ["user.create"]
    assert user_history.json()["state"]["username"] == "alice"
    assert auditor.get("/history/user/999999").status_code == 404


def test_a_notes_own_history_is_found_by_object(people, case, api_as):
    note = api_as(people.agent).post(f"/cases/{case.pk}/notes", {"body": "called"}).json()

    body = api_as(people.auditor).get(f"/history/case_note/{note['id']}").json()

    assert [i["action"] for i in body["items"]] == ["case.note"]
    assert body["state"]["body"] == "called"
