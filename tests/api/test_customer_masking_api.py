"""The API masks contact points like every other interface; a reveal needs the permission,
the scope and a reason, and is journaled; nothing sensitive reaches the logs."""

from __future__ import annotations

import json
import logging

from caseledger.journal.models import Entry
from tests.api.conftest import ApiClient

PHONE = "13812345678"
EMAIL = "wang.xiaoming@example.com"
RESIDENT_ID = "11010519491231002X"
WRITE = ["customers:read", "customers:write"]


def _create(api: ApiClient, **over):
    body = {
        "kind": "person",
        "name": "王小明",
        "department": "sales",
        "contact_points": [
            {"kind": "phone", "value": PHONE},
            {"kind": "email", "value": EMAIL},
            {"kind": "address", "value": "杭州市西湖区文三路 100 号"},
        ],
        **over,
    }
    response = api.post("/customers", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_every_customer_answer_masks_contact_values(people):
    api = ApiClient(people.agent, WRITE)
    created = _create(api)
    answers = [
        api.post("/customers", {"kind": "person", "name": "x", "department": "sales"}),
        api.get(f"/customers/{created['id']}"),
        api.get("/customers"),
        api.get("/customers", {"q": PHONE[-4:]}),
        api.post(
            f"/customers/{created['id']}/contact-points", {"kind": "phone", "value": "13900001111"}
        ),
    ]
    shown = {p["kind"]: p["value"] for p in created["contact_points"]}

    assert shown == {
        "phone": "138******78",
        "email": "wang*********@example.com",
        "address": "杭州市西湖*****100 号",
    }
    for response in answers:
        assert response.status_code in (200, 201), response.content
        text = response.content.decode()
        assert PHONE not in text and EMAIL not in text and "13900001111" not in text
    assert answers[-1].json()["value"] == "139******11"


def test_contact_reveal_needs_role_scope_and_reason_and_is_journaled(people):
    created = _create(ApiClient(people.agent, WRITE))
    phone = next(p for p in created["contact_points"] if p["kind"] == "phone")
    path = f"/contact-points/{phone['id']}/reveal"
    assert (
        ApiClient(people.agent, [*WRITE, "customers:reveal"])
        .post(path, {"reason": "call back"})
        .status_code
        == 403
    )
    assert (
        ApiClient(people.compliance, ["customers:read"]).post(path, {"reason": "audit"}).status_code
        == 403
    )
    assert (
        ApiClient(people.outsider, [*WRITE, "customers:reveal"])
        .post(path, {"reason": "x"})
        .status_code
        == 404
    )
    carl = ApiClient(people.compliance, ["customers:read", "customers:reveal"])
    missing = carl.post(path, {"reason": " "})
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "reason")
    entries = Entry.objects.count()

    revealed = carl.post(path, {"reason": "privacy request PR-9"})

    assert revealed.status_code == 200, revealed.content
    assert revealed.json() == {
        "contact_point": phone["id"],
        "kind": "phone",
        "value": "+86" + PHONE,
    }
    assert revealed.headers["Cache-Control"] == "no-store"
    entry = Entry.objects.get(seq=entries + 1)
    assert (entry.action, entry.actor_name, entry.via, entry.reason) == (
        "customer.reveal",
        "carl",
        "api",
        "privacy request PR-9",
    )
    extra = json.loads(entry.payload.body)["extra"]
    assert extra == {
        "field": "contact_point.phone",
        "contact_point": phone["id"],
        "masked": "138******78",
    }


def test_a_request_flow_leaves_no_phone_or_resident_id_in_the_logs(people, caplog):
    caplog.set_level(logging.DEBUG)
    agent = ApiClient(people.agent, WRITE)
    carl = ApiClient(people.compliance, ["customers:read", "customers:reveal"])
    created = _create(agent)
    cid = created["id"]
    duplicate = _create(agent, name="王小明 dup")
    agent.post(f"/customers/{cid}/contact-points", {"kind": "phone", "value": PHONE})
    agent.post(f"/customers/{cid}/contact-points", {"kind": "phone", "value": PHONE + "99"})  # 422
    agent.post(f"/customers/{cid}/identifiers", {"kind": "resident_id", "value": RESIDENT_ID})
    agent.post(f"/customers/{cid}/identifiers", {"kind": "resident_id", "value": RESIDENT_ID[:-1]})
    agent.get("/customers", {"q": PHONE})
    carl.post(f"/contact-points/{created['contact_points'][0]['id']}/reveal", {"reason": "x"})
    ApiClient(people.outsider, WRITE).get(f"/customers/{cid}")  # 404
    agent.post(f"/customers/{duplicate['id']}/merge", {"survivor": cid, "reason": "same"})

    logged = "\n".join(
        f"{r.getMessage()} {r.args} {getattr(r, '__dict__', {})}" for r in caplog.records
    )
    assert caplog.records  # the refusals were logged at all
    assert PHONE not in logged and RESIDENT_ID not in logged and RESIDENT_ID[:-1] not in logged
