"""/api/v1/notifications (the caller's own) and /api/v1/webhooks (administrators, token
scope `webhooks:write`)."""

from __future__ import annotations

import pytest

from caseledger.cases.services import case_update
from caseledger.notify import follow
from caseledger.notify.models import Subscription

pytestmark = pytest.mark.django_db


def test_a_person_reads_and_clears_their_notifications(api_as, people, case):
    follow.catch_up()
    case_update(actor=people.agent, case=case, data={"assignee": people.supervisor.pk})
    api = api_as(people.supervisor, ["cases:read"])

    (row,) = api.get("/notifications", {"unread": "true"}).json()
    assert row["kind"] == "assigned" and row["reference"] == case.reference
    assert row["text"] == f"alice assigned {case.reference} to you"
    assert api.post("/notifications/read", {"ids": [row["id"]]}).json() == {"marked": 1}
    assert api.get("/notifications", {"unread": "true"}).json() == []
    assert api.post("/notifications/read", {"ids": ["x"]}).status_code == 422


def test_preferences_over_the_api_refuse_bad_values_by_field(api_as, people):
    api = api_as(people.agent, ["cases:read"])
    put = api.client.put(
        "/api/v1/notifications/preferences",
        '{"mode": "digest", "digest_hour": 7, "language": "zh-hans"}',
        content_type="application/json",
        **api._headers(None),
    )
    assert put.status_code == 200 and put.json()["digest_hour"] == 7
    bad = api.client.put(
        "/api/v1/notifications/preferences",
        '{"digest_hour": 99}',
        content_type="application/json",
        **api._headers(None),
    )
    assert bad.status_code == 422 and "digest_hour" in bad.content.decode()


def test_an_administrator_manages_webhooks_over_the_api(api_as, people, settings):
    settings.WEBHOOK_CHECK_ON_SAVE = False
    api = api_as(people.admin, ["webhooks:write"])
    made = api.post(
        "/webhooks", {"name": "crm", "url": "https://crm.example.com/h", "events": ["case.closed"]}
    )
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    hook_id = made.json()["id"]
    assert api.get(f"/webhooks/{hook_id}").json()["secret"] is None
    assert api.patch(f"/webhooks/{hook_id}", {"is_active": False}).json()["is_active"] is False
    assert api.get(f"/webhooks/{hook_id}/deliveries").json() == []
    rotated = api.post(f"/webhooks/{hook_id}/secret", {})
    assert rotated.json()["secret"] != made.json()["secret"]
    gone = api.client.delete(f"/api/v1/webhooks/{hook_id}", **api._headers(None))
    assert gone.status_code == 200 and gone.json()["removed_at"] is not None
    assert api.get("/webhooks").json() == []


def test_webhook_input_errors_are_422_and_others_are_refused(api_as, people, settings):
    settings.WEBHOOK_CHECK_ON_SAVE = False
    api = api_as(people.admin, ["webhooks:write"])
    for body in (
        {"name": "x", "url": "ftp://x", "events": ["case.closed"]},
        {"name": "x", "url": "https://x.example", "events": ["case.exploded"]},
        {"name": "x", "url": "https://x.example", "events": "case.closed", "extra": 1},
    ):
        assert api.post("/webhooks", body).status_code == 422, body
    assert api.get("/webhooks/abc").status_code == 404
    assert api.post("/webhooks/deliveries/999/redeliver", {}).status_code == 404
    assert not Subscription.objects.exists()
    agent = api_as(people.agent, ["cases:read", "cases:write"])
    assert agent.get("/webhooks").status_code == 403
    narrow = api_as(people.admin, ["users:read"])
    assert narrow.get("/webhooks").status_code == 403
