"""Inputs the fuzzer found (issue 11): each answered as the schema says, never with a 500."""

from __future__ import annotations

import pytest
from django.test import Client

TOO_BIG = "9223372036854775808"  # one more than the largest 64-bit key


@pytest.fixture
def api(officer_api):
    return officer_api


@pytest.mark.parametrize(
    "path",
    [
        f"/cases?department={TOO_BIG}",
        f"/cases?assignee={TOO_BIG}",
        f"/cases?customer={TOO_BIG}",
        f"/customers?department={TOO_BIG}",
        "/cases?customer=-1",
        "/cases?received_to=0",
    ],
)
def test_a_filter_no_key_can_match_is_refused_by_name(api, path):
    response = api.get(path)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == path.split("?")[1].split("=")[0]


def test_a_multipart_upload_without_a_boundary_is_a_bad_request(api, case):
    response = api.client.post(
        f"/api/v1/cases/{case.pk}/attachments",
        b"--x\r\nnot really multipart",
        content_type="multipart/form-data",
        HTTP_AUTHORIZATION=f"Bearer {api.secret}",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_true_is_not_customer_number_one(api, customer):
    from caseledger.privacy.models import PrivacyRequest

    response = api.post("/privacy-requests", {"customer": True, "kind": "access"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "customer"
    assert not PrivacyRequest.objects.exists()
    assert (
        api.post("/privacy-requests", {"customer": customer.pk, "kind": "access"}).status_code
        == 201
    )


@pytest.mark.parametrize("as_of", ["0.5", "1700000000", "2026-03-01T09:30:00", "yesterday"])
def test_as_of_must_be_an_iso_time_with_an_offset_not_a_number_of_seconds(api, case, as_of):
    response = api.get(f"/cases/{case.pk}/history", {"as_of": as_of})
    assert response.status_code == 422 and response.json()["error"]["field"] == "as_of"
    fine = api.get(f"/cases/{case.pk}/history", {"as_of": "2099-01-01T00:00:00+08:00"})
    assert fine.status_code == 200 and fine.json()["items"]


def test_the_schema_says_what_the_server_refuses_about_reasons_and_idempotency_keys(api):
    spec = Client().get("/api/v1/openapi.json").json()
    reason = spec["components"]["schemas"]["UnmergeIn"]["properties"]["reason"]
    assert reason["minLength"] == 1 and reason["pattern"] == r"\S"
    key = next(
        p
        for p in spec["paths"]["/api/v1/cases"]["post"]["parameters"]
        if p["name"] == "Idempotency-Key"
    )["schema"]
    assert (key["minLength"], key["maxLength"], key["pattern"]) == (1, 200, r"\S")
    ids = spec["components"]["schemas"]["RequestIn"]["properties"]["customer"]
    assert ids["maximum"] == 2**63 - 1


def test_an_empty_reason_is_refused_before_anything_is_written(api, customer):
    response = api.post(f"/customers/{customer.pk}/restrict", {"reason": "   "})
    assert response.status_code == 422 and response.json()["error"]["field"] == "reason"
    customer.refresh_from_db()
    assert customer.restricted_at is None


@pytest.mark.parametrize("customer_filter", ["abc", TOO_BIG, "-1"])
def test_the_web_privacy_list_filtered_by_a_customer_that_is_not_a_number(people, customer_filter):
    compliance = Client()
    compliance.force_login(people.compliance)
    page = compliance.get(f"/privacy/requests/?customer={customer_filter}")
    assert page.status_code == 200


@pytest.mark.parametrize("path", ["/search?q=refund&category=a%00b", "/cases?q=%00"])
def test_a_nul_character_in_a_parameter_is_refused_by_name_on_every_engine(api, path):
    response = api.get(path)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] in {"category", "q"}


def test_a_nul_character_in_a_json_body_is_refused_before_it_is_stored(api, customer):
    from caseledger.cases.models import Case

    before = Case.objects.count()
    response = api.post(
        "/cases",
        {"kind": "complaint", "channel": "phone", "category": "billing", "department": "sales",
         "customer": customer.pk, "subject": "bad\u0000byte"},
    )  # fmt: skip
    assert response.status_code == 422, response.content
    assert Case.objects.count() == before
