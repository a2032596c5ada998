"""The API: GET /api/v1/cases/{id}/suggestions, POST .../accept and .../correct, and
POST /api/v1/classify/suggest for a case being typed."""

from __future__ import annotations

import pytest

from caseledger.classify.models import Feedback
from caseledger.journal.models import Entry
from tests.factories import make_case, make_customer


@pytest.fixture
def misfiled(people, trained):
    customer = make_customer(people.agent, people.sales)
    return make_case(
        people.agent, customer, subject="快递延误", description="包裹快递一直没送到",
        category="billing", subcategory="wrong_charge",
    )  # fmt: skip


def test_an_agent_reads_suggestions_and_accepts_one_over_the_api(people, misfiled, api_as):
    api = api_as(people.agent)
    got = api.get(f"/cases/{misfiled.pk}/suggestions")
    assert got.status_code == 200, got.content
    category = next(i for i in got.json()["items"] if i["field"] == "category")
    assert category["value"] == "delivery" and category["differs"]
    assert category["label"] and category["terms"]
    done = api.post(f"/cases/{misfiled.pk}/suggestions/accept", {"field": "category"})
    assert done.status_code == 200, done.content
    assert done.json()["outcome"] == "accepted"
    assert api.get(f"/cases/{misfiled.pk}").json()["category"] == "delivery"


def test_a_correction_with_a_bad_value_is_a_clear_error_not_a_500(people, misfiled, api_as):
    api = api_as(people.agent)
    bad = api.post(
        f"/cases/{misfiled.pk}/suggestions/correct", {"field": "category", "value": "nope"}
    )
    assert bad.status_code == 422, bad.content
    assert "nope" in bad.content.decode()
    unknown = api.post(f"/cases/{misfiled.pk}/suggestions/correct", {"field": "colour"})
    assert unknown.status_code == 422


def test_before_any_model_is_trained_the_api_says_so(people, case, api_as):
    got = api_as(people.agent).get(f"/cases/{case.pk}/suggestions")
    assert got.status_code == 409
    assert "no classifier has been trained" in got.json()["error"]["message"]


def test_a_read_only_token_may_read_suggestions_but_not_accept(people, misfiled, api_as):
    api = api_as(people.agent, ["cases:read"])
    assert api.get(f"/cases/{misfiled.pk}/suggestions").status_code == 200
    refused = api.post(f"/cases/{misfiled.pk}/suggestions/accept", {"field": "category"})
    assert refused.status_code == 403


def test_a_new_case_form_gets_suggestions_for_typed_text(people, trained, api_as):
    got = api_as(people.agent).post("/classify/suggest", {"subject": "快递延误"})
    assert got.status_code == 200, got.content
    assert got.json()["items"][0]["value"] == "delivery"


def test_a_retried_accept_with_the_same_key_records_one_feedback_and_one_entry(
    people, misfiled, api_as
):
    api = api_as(people.agent)
    path = f"/cases/{misfiled.pk}/suggestions/accept"

    first = api.post(path, {"field": "category"}, key="accept-category-1")
    entries = Entry.objects.count()
    again = api.post(path, {"field": "category"}, key="accept-category-1")

    assert first.status_code == again.status_code == 200, again.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Feedback.objects.count() == 1
    assert Entry.objects.filter(object_type="suggestion_feedback").count() == 1
    assert Entry.objects.count() == entries  # the retry journaled nothing


def test_the_same_key_with_another_correction_is_refused(people, misfiled, api_as):
    api = api_as(people.agent)
    path = f"/cases/{misfiled.pk}/suggestions/correct"
    first = api.post(path, {"field": "severity", "value": "low"}, key="fix-1")
    assert first.status_code == 200, first.content
    entries = Entry.objects.count()

    other = api.post(path, {"field": "severity", "value": "critical"}, key="fix-1")
    elsewhere = api.post(
        f"/cases/{misfiled.pk}/suggestions/accept", {"field": "category"}, key="fix-1"
    )

    for refused in (other, elsewhere):
        assert refused.status_code == 409, refused.content
        assert refused.json()["error"]["code"] == "idempotency_key_reused"
        assert refused.json()["error"]["field"] == "Idempotency-Key"
    assert Feedback.objects.count() == 1
    assert Entry.objects.count() == entries


def test_accept_and_correct_document_the_idempotency_key(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for action in ("accept", "correct"):
        params = paths[f"/api/v1/cases/{{case_id}}/suggestions/{action}"]["post"]["parameters"]
        assert "Idempotency-Key" in [p["name"] for p in params]
