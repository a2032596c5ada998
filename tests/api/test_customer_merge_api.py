"""Probable duplicates, merge and unmerge over the API."""

from __future__ import annotations

from caseledger.customers.models import Customer
from caseledger.journal.models import Entry
from tests.api.conftest import ApiClient
from tests.factories import make_case, make_customer

WRITE = ["customers:read", "customers:write"]


def _person(api: ApiClient, name: str, *points: dict):
    response = api.post(
        "/customers",
        {"kind": "person", "name": name, "department": "sales", "contact_points": list(points)},
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_and_contact_add_flag_probable_duplicates(people):
    api = ApiClient(people.agent, WRITE)
    first = _person(api, "李雷", {"kind": "phone", "value": "13900001111"})
    other = _person(api, "韩梅梅", {"kind": "email", "value": "meimei@example.com"})

    second = _person(api, "李雷 Li Lei", {"kind": "phone", "value": "+86 139-0000-1111"})
    added = api.post(
        f"/customers/{other['id']}/contact-points",
        {"kind": "email", "value": "MEIMEI@example.com", "label": "work"},
    )

    assert second["probable_duplicates"] == [{"id": first["id"], "name": "*雷"}]  # masked
    assert added.status_code == 201, added.content
    # Same mailbox in another case: not recorded twice on one customer, but a duplicate of none
    assert added.json()["probable_duplicates"] == []
    third = _person(api, "Han", {"kind": "email", "value": "Meimei@Example.com"})
    assert [d["id"] for d in third["probable_duplicates"]] == [other["id"]]
    # The outsider's department cannot see ours: nothing is suggested to them.
    outsider = ApiClient(people.outsider, WRITE)
    theirs = outsider.post(
        "/customers",
        {
            "kind": "person",
            "name": "x",
            "department": "service",
            "contact_points": [{"kind": "phone", "value": "13900001111"}],
        },
    )
    assert theirs.json()["probable_duplicates"] == []


def test_merge_then_unmerge_over_the_api(people):
    api = ApiClient(people.agent, [*WRITE, "cases:write"])
    survivor = make_customer(people.agent, people.sales, name="Survivor")
    merged = make_customer(people.agent, people.sales, name="Duplicate")
    case = make_case(people.agent, merged)

    done = api.post(
        f"/customers/{merged.pk}/merge", {"survivor": survivor.pk, "reason": "same person"}
    )

    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["survivor"], body["merged"], body["cases"]) == (survivor.pk, merged.pk, [case.pk])
    assert len(body["contact_points"]) == 2
    listed = [c["id"] for c in api.get("/customers").json()["items"]]
    assert merged.pk not in listed and survivor.pk in listed
    shown = api.get(f"/customers/{merged.pk}").json()
    assert shown["merged_into"] == survivor.pk and shown["merged_at"]
    again = api.post(f"/customers/{merged.pk}/merge", {"survivor": survivor.pk, "reason": "x"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "merged")
    assert [e.via for e in Entry.objects.filter(action="customer.merge")] == ["api", "api"]

    undone = api.post(f"/customers/{merged.pk}/unmerge", {"reason": "two people after all"})

    assert undone.status_code == 200, undone.content
    assert undone.json()["cases"] == [case.pk]
    assert Customer.objects.get(pk=merged.pk).merged_into_id is None
    assert api.get(f"/customers/{merged.pk}").json()["merged_into"] is None


def test_merge_refusals_over_the_api(people):
    api = ApiClient(people.agent, WRITE)
    mine = make_customer(people.agent, people.sales)
    theirs = make_customer(people.outsider, people.service)
    entries = Entry.objects.count()

    missing_reason = api.post(f"/customers/{mine.pk}/merge", {"survivor": mine.pk})
    itself = api.post(f"/customers/{mine.pk}/merge", {"survivor": mine.pk, "reason": "x"})
    invisible = api.post(f"/customers/{mine.pk}/merge", {"survivor": theirs.pk, "reason": "x"})
    read_only = ApiClient(people.agent, ["customers:read"]).post(
        f"/customers/{mine.pk}/merge",
        {"survivor": make_customer(people.agent, people.sales).pk, "reason": "x"},
    )
    not_merged = api.post(f"/customers/{mine.pk}/unmerge", {"reason": "x"})

    assert missing_reason.status_code == 422
    assert (itself.status_code, itself.json()["error"]["field"]) == (422, "survivor")
    assert invisible.status_code == 404
    assert read_only.status_code == 403
    assert (not_merged.status_code, not_merged.json()["error"]["code"]) == (409, "not_merged")
    assert Entry.objects.filter(action__in=["customer.merge", "customer.unmerge"]).count() == 0
    assert not Entry.objects.filter(seq__gt=entries, object_id=str(mine.pk)).exists()


def test_merge_moving_cases_needs_the_cases_write_scope_too(people):
    survivor = make_customer(people.agent, people.sales, name="Survivor")
    merged = make_customer(people.agent, people.sales, name="Duplicate")
    make_case(people.agent, merged)
    refused = ApiClient(people.agent, WRITE).post(
        f"/customers/{merged.pk}/merge", {"survivor": survivor.pk, "reason": "same person"}
    )
    assert refused.status_code == 403 and "case.modify" in refused.json()["error"]["message"]
