"""Cases over the API: the round trip an integration makes, and what it is refused."""

from __future__ import annotations

from caseledger.cases.models import Case
from caseledger.journal.models import Entry
from caseledger.vault.masking import display_name
from tests.api.conftest import case_body


def test_agent_records_lists_reads_changes_and_annotates_a_case(people, customer, api_as):
    api = api_as(people.agent)

    created = api.post("/cases", case_body(customer, assignee="alice", severity="high"))
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["reference"].startswith("CL-")
    assert case["department"] == "sales"
    assert case["assignee"] == "alice"
    # A person's name is personal information: masked in the case's customer ref.
    assert case["customer"] == {"id": customer.pk, "name": display_name(customer)}
    assert customer.name not in created.content.decode()
    assert case["status"] == "received" and case["version"] == 1
    assert case["received_at"].endswith("Z")

    listed = api.get("/cases").json()
    assert [c["reference"] for c in listed["items"]] == [case["reference"]]
    assert listed["next_cursor"] is None

    by_reference = api.get(f"/cases/{case['reference']}")
    assert by_reference.status_code == 200
    assert by_reference.json()["id"] == case["id"]

    changed = api.patch(
        f"/cases/{case['id']}",
        {"status": "acknowledged", "priority": "high", "version": 1, "reason": "called back"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "acknowledged"
    assert changed.json()["priority"] == "high"
    assert changed.json()["version"] == 2

    note = api.post(
        f"/cases/{case['id']}/notes",
        {"body": "Customer called again", "kind": "inbound", "channel": "phone"},
    )
    assert note.status_code == 201, note.content
    assert note.json()["author"] == "alice"
    assert note.json()["case"] == case["reference"]
    notes = api.get(f"/cases/{case['id']}/notes").json()
    assert [n["body"] for n in notes] == ["Customer called again"]

    entries = Entry.objects.filter(root=f"case:{case['id']}").order_by("seq")
    assert [e.action for e in entries] == ["case.create", "case.transition", "case.note"]
    assert {e.via for e in entries} == {"api"}
    assert entries[1].reason == "called back"


def test_a_stale_version_is_refused_with_409_and_changes_nothing(people, case, api_as):
    api = api_as(people.agent)
    api.patch(f"/cases/{case.pk}", {"priority": "high", "version": 1})

    stale = api.patch(f"/cases/{case.pk}", {"priority": "urgent", "version": 1})

    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["field"] == "version"
    case.refresh_from_db()
    assert case.priority == "high" and case.version == 2


def test_a_bad_status_move_names_the_field(people, case, api_as):
    response = api_as(people.agent).patch(
        f"/cases/{case.pk}", {"status": "closed", "version": case.version}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] in {"status", "resolution"}
    assert all(e["field"] for e in error["errors"])


def test_filters_narrow_the_list(people, customer, api_as):
    from tests.factories import make_case

    billing = make_case(people.agent, customer, category="billing", subcategory="refund")
    delivery = make_case(
        people.agent, customer, category="delivery", subcategory="late", severity="high"
    )
    api = api_as(people.agent)

    def refs(params):
        response = api.get("/cases", params)
        assert response.status_code == 200, response.content
        return {c["reference"] for c in response.json()["items"]}

    assert refs({"category": "delivery"}) == {delivery.reference}
    assert refs({"severity": "high"}) == {delivery.reference}
    assert refs({"category": "billing", "customer": customer.pk}) == {billing.reference}
    assert refs({"q": billing.reference}) == {billing.reference}
    assert refs({"department": people.service.pk}) == set()
    assert refs({}) == {billing.reference, delivery.reference}


def test_an_unknown_filter_value_is_refused_naming_the_parameter(people, api_as):
    response = api_as(people.agent).get("/cases", {"status": "lost"})

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "status"
    assert response.json()["error"]["code"] == "invalid_choice"


def test_an_outsider_cannot_see_or_change_another_departments_case(people, case, api_as):
    api = api_as(people.outsider)

    assert api.get(f"/cases/{case.pk}").status_code == 404
    assert api.get(f"/cases/{case.reference}").status_code == 404
    assert api.patch(f"/cases/{case.pk}", {"priority": "high"}).status_code == 404
    assert api.post(f"/cases/{case.pk}/notes", {"body": "hi"}).status_code == 404
    assert api.get(f"/cases/{case.pk}/history").status_code == 404
    assert api.get("/cases").json()["items"] == []
    case.refresh_from_db()
    assert case.priority == "normal"


def test_invalid_input_names_every_field_and_writes_nothing(people, customer, api_as):
    api = api_as(people.agent)
    cases, entries = Case.objects.count(), Entry.objects.count()

    bad_choice = api.post(
        "/cases", case_body(customer, subcategory="not_a_subcategory", department="nowhere")
    )
    missing = api.post("/cases", {"kind": "complaint", "channel": "phone"})
    unknown = api.post("/cases", case_body(customer, colour="blue"))
    wrong_type = api.patch("/cases/1", {"satisfaction": "very"})

    assert bad_choice.status_code == 422
    assert {e["field"] for e in bad_choice.json()["error"]["errors"]} >= {"department"}
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["error"]["errors"]} == {
        "category",
        "department",
        "customer",
        "subject",
    }
    assert {e["code"] for e in missing.json()["error"]["errors"]} == {"required"}
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "colour"
    assert unknown.json()["error"]["code"] == "unknown_field"
    assert wrong_type.status_code == 422
    assert wrong_type.json()["error"]["field"] == "satisfaction"
    assert (Case.objects.count(), Entry.objects.count()) == (cases, entries)


def test_a_naive_received_at_is_refused(people, customer, api_as):
    response = api_as(people.agent).post(
        "/cases", case_body(customer, received_at="2026-01-05T10:00:00")
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "received_at"
    assert not Case.objects.exists()


def test_malformed_json_is_a_400_in_the_error_shape(people, api_as):
    api = api_as(people.agent)
    response = api.client.post(
        "/api/v1/cases",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.secret}",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
