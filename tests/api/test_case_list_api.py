"""The case list and edits over the API as the web has them (issue 11, item 14): `q`
searches what the web search searches (one query function), a department code filters as
create accepts it, the total comes with every page, and a PATCH without `version` is
refused with 428 instead of overwriting a concurrent edit."""

from __future__ import annotations

import pytest

from caseledger.cases.models import Case
from caseledger.journal.models import Entry
from tests.factories import make_case


@pytest.fixture
def three(people, customer):
    return [
        make_case(people.agent, customer, subject="退款 Refund late", description="plain"),
        make_case(
            people.agent, customer, subject="Other", description="寄错了型号 wrong model sent"
        ),
        make_case(people.agent, customer, subject="Third", description="x", order_ref="ORD-778899"),
    ]


@pytest.mark.parametrize("q", ["wrong model", "ORD-7788", "refund LATE"])
def test_q_finds_the_same_cases_over_the_api_as_on_the_web_page(people, three, api_as, q):
    from django.test import Client

    api_refs = {
        c["reference"] for c in api_as(people.agent).get("/cases", {"q": q}).json()["items"]
    }
    web = Client()
    web.force_login(people.agent)
    page = web.get("/cases/", {"q": q}).content.decode()
    web_refs = {c.reference for c in three if c.reference in page}
    assert api_refs == web_refs and len(api_refs) == 1


def test_q_by_reference_in_any_case(people, three, api_as):
    wanted = three[1].reference
    found = api_as(people.agent).get("/cases", {"q": wanted.lower()}).json()["items"]
    assert [c["reference"] for c in found] == [wanted]


def test_the_list_filters_by_department_code_or_id_and_says_its_total(
    people, three, customer, api_as
):
    compliance = api_as(people.compliance, ["cases:read"])
    by_code = compliance.get("/cases", {"department": "sales", "limit": 2}).json()
    by_id = compliance.get("/cases", {"department": str(people.sales.pk), "limit": 2}).json()
    assert by_code["count"] == by_id["count"] == 3 and by_code["count_exact"] is True
    assert len(by_code["items"]) == 2 and by_code["next_cursor"]
    rest = compliance.get(
        "/cases", {"department": "sales", "limit": 2, "cursor": by_code["next_cursor"]}
    ).json()
    assert rest["count"] == 3 and len(rest["items"]) == 1
    assert compliance.get("/cases", {"department": "service"}).json()["count"] == 0
    huge = compliance.get("/cases", {"department": "9223372036854775808"})
    # An id past 64 bits is no department's: refused by name, never a 500.
    assert huge.status_code == 422 and huge.json()["error"]["field"] == "department"


def test_a_patch_without_version_is_refused_with_428_and_changes_nothing(people, case, api_as):
    api = api_as(people.agent)
    entries = Entry.objects.count()
    refused = api.patch(f"/cases/{case.pk}", {"priority": "urgent"})
    assert refused.status_code == 428, refused.content
    error = refused.json()["error"]
    assert error["code"] == "version_required" and error["field"] == "version"
    assert Case.objects.get(pk=case.pk).priority == "normal"
    assert Entry.objects.count() == entries
    customer_refused = api.patch(f"/customers/{case.customer_id}", {"name": "Someone"})
    assert customer_refused.status_code == 428
    ok = api.patch(f"/cases/{case.pk}", {"priority": "urgent", "version": case.version})
    assert ok.status_code == 200
    # A token that may not write hears that first, not about the version.
    read_only = api_as(people.agent, ["cases:read"])
    assert read_only.patch(f"/cases/{case.pk}", {"priority": "low"}).status_code == 403


def test_the_schema_documents_428_and_the_count(people, api_as):
    schema = api_as(people.agent).get("/openapi.json").json()
    patch = schema["paths"]["/api/v1/cases/{case_id}"]["patch"]
    assert "428" in patch["responses"]
    assert "count" in schema["components"]["schemas"]["CasePage"]["required"]


def test_beyond_the_cap_the_count_says_at_least(people, three):
    from caseledger.api.pagination import count_of
    from caseledger.cases.queries import case_list

    cases = case_list(actor=people.agent)
    assert count_of(cases, cap=3) == (3, True)
    assert count_of(cases, cap=2) == (2, False)
