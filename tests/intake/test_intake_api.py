"""One request per complaint: POST /api/v1/intake matches the requester by phone or e-mail
within the department, or creates them, and records the case; both or neither."""

from __future__ import annotations

from caseledger.cases.models import Case, CaseNote
from caseledger.customers.models import Customer
from caseledger.customers.services import customer_merge
from caseledger.journal.models import Entry
from caseledger.retention.services import record_restrict
from tests.api.conftest import ApiClient
from tests.factories import make_customer


def _body(department="sales", *, phone="13812345678", email=None, **case):
    contacts = [{"kind": "phone", "value": phone}] if phone else []
    if email:
        contacts.append({"kind": "email", "value": email})
    return {
        "department": department,
        "customer": {"kind": "person", "name": "王小明", "contact_points": contacts},
        "case": {
            "kind": "complaint",
            "channel": "phone",
            "category": "billing",
            "subject": "退款两次都没到账 refund missing",
            **case,
        },
    }


def _counts():
    return Customer.objects.count(), Case.objects.count(), Entry.objects.count()


def test_a_new_requester_is_created_with_the_case_in_one_journal_burst(people, api_as):
    api = api_as(people.agent)
    before = _counts()

    response = api.post("/intake", _body())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["customer"]["created"] is True
    case = Case.objects.get(reference=body["case"]["reference"])
    assert case.customer_id == body["customer"]["id"]
    assert case.customer.contact_points.get().value == "+8613812345678"
    assert _counts() == (before[0] + 1, before[1] + 1, before[2] + 2)
    burst = list(Entry.objects.order_by("-seq")[:2])
    assert {e.action for e in burst} == {"customer.create", "case.create"}
    assert burst[0].seq == burst[1].seq + 1  # nothing came between them
    assert all(e.reason == "intake: api" for e in burst)


def test_a_known_phone_in_another_format_files_under_the_same_customer(people, api_as):
    known = make_customer(
        people.agent,
        people.sales,
        name="王小明",
        contact_points=[{"kind": "phone", "value": "13812345678"}],
    )
    api = api_as(people.agent)

    response = api.post("/intake", _body(phone="+86 138-1234-5678"))

    assert response.status_code == 201, response.content
    assert response.json()["customer"] == {
        "id": known.pk,
        "created": False,
        "probable_duplicates": [],
        "name_differs": False,
    }
    assert Customer.objects.count() == 1
    assert not CaseNote.objects.exists()


def test_an_email_address_matches_without_regard_to_case(people, api_as):
    known = make_customer(
        people.agent,
        people.sales,
        name="王 小明",  # spaces and full-width letters do not make another name
        contact_points=[{"kind": "email", "value": "Wang.Xiaoming@Example.com"}],
    )
    response = api_as(people.agent).post(
        "/intake", _body(phone=None, email="wang.xiaoming@EXAMPLE.COM")
    )
    assert response.json()["customer"]["id"] == known.pk
    assert response.json()["customer"]["name_differs"] is False


def test_matching_stays_inside_the_department(people, api_as):
    other = make_customer(
        people.outsider, people.service, contact_points=[{"kind": "phone", "value": "13812345678"}]
    )
    response = api_as(people.agent).post("/intake", _body())
    assert response.status_code == 201
    assert response.json()["customer"]["created"] is True
    assert response.json()["customer"]["id"] != other.pk


def test_a_merged_requester_is_followed_to_the_survivor(people, api_as):
    survivor = make_customer(people.agent, people.sales)
    merged = make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": "13812345678"}]
    )
    customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="same person")
    response = api_as(people.agent).post("/intake", _body())
    assert response.json()["customer"]["id"] == survivor.pk
    assert response.json()["customer"]["created"] is False


def test_a_known_phone_given_with_another_name_is_flagged_on_the_case_never_renamed(people, api_as):
    known = make_customer(
        people.agent,
        people.sales,
        name="李娜",
        contact_points=[{"kind": "phone", "value": "13812345678"}],
    )
    response = api_as(people.agent).post("/intake", _body())

    assert response.status_code == 201, response.content
    assert response.json()["customer"]["id"] == known.pk
    assert response.json()["customer"]["name_differs"] is True
    assert Customer.objects.get(pk=known.pk).name == "李娜"
    note = CaseNote.objects.get(case__reference=response.json()["case"]["reference"])
    assert note.kind == "note" and f"#{known.pk}" in note.body and "请核对投诉人" in note.body
    # The note names neither name: notes are not masked.
    assert "李娜" not in note.body and "王小明" not in note.body


def test_a_new_requester_named_like_another_customer_is_reported_as_a_probable_duplicate(
    people, api_as
):
    namesake = make_customer(
        people.agent,
        people.sales,
        name="王小明",
        contact_points=[{"kind": "phone", "value": "13900001111"}],
    )
    response = api_as(people.agent).post("/intake", _body())
    customer = response.json()["customer"]
    assert (customer["created"], customer["probable_duplicates"]) == (True, [namesake.pk])


def test_every_problem_of_both_parts_is_named_and_nothing_is_written(people, api_as):
    api = api_as(people.agent)
    body = _body(phone="12345", subject="", category="no-such-category")
    before = _counts()

    response = api.post("/intake", body)

    assert response.status_code == 422, response.content
    fields = {e["field"] for e in response.json()["error"]["errors"]}
    assert {"customer.contact_points[0].value", "case.subject", "case.category"} <= fields
    assert "case.customer" not in fields  # the customer's own problems say why already
    assert _counts() == before


def test_a_good_customer_with_a_bad_case_leaves_no_customer_behind(people, api_as):
    api = api_as(people.agent)
    before = _counts()
    response = api.post("/intake", _body(subject=""))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "case.subject"
    assert _counts() == before


def test_a_restricted_requester_is_refused_by_name(people, api_as):
    known = make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": "13812345678"}]
    )
    record_restrict(actor=people.compliance, customer=known, reason="PIPL Art 47 request")
    api = api_as(people.agent)
    before = _counts()
    response = api.post("/intake", _body())
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "case.customer"
    assert "restricted" in response.json()["error"]["message"]
    assert _counts() == before


def test_an_agent_of_another_department_is_refused_before_anything_is_read(people, api_as):
    api = api_as(people.outsider)
    before = _counts()
    response = api.post("/intake", _body())
    assert response.status_code == 403
    assert _counts() == before


def test_a_token_that_may_not_create_customers_can_only_file_for_known_ones(people):
    api = ApiClient(people.agent, ["cases:write", "customers:read"])
    refused = api.post("/intake", _body())
    assert refused.status_code == 403
    make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": "13812345678"}]
    )
    assert api.post("/intake", _body()).status_code == 201


def test_a_retried_intake_with_its_key_records_one_complaint(people, api_as):
    api = api_as(people.agent)
    first = api.post("/intake", _body(), key="call-2026-0042")
    again = api.post("/intake", _body(), key="call-2026-0042")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Case.objects.count() == 1 and Customer.objects.count() == 1


def test_the_case_part_may_not_name_its_own_customer_or_department(people, customer, api_as):
    body = _body()
    body["case"]["customer"] = customer.pk
    response = api_as(people.agent).post("/intake", body)
    assert response.status_code == 422  # the schema forbids it, as the service does
