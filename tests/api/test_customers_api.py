"""Customers over the API."""

from __future__ import annotations

from caseledger.customers.models import Customer
from caseledger.journal.models import Entry
from tests.factories import make_customer


def test_create_get_update_and_add_a_contact_point(people, api_as):
    api = api_as(people.agent)

    created = api.post(
        "/customers",
        {
            "kind": "organisation",
            "name": "杭州示例有限公司",
            "department": "sales",
            "tags": ["vip"],
            "contact_points": [{"kind": "email", "value": "ops@example.com"}],
        },
    )
    assert created.status_code == 201, created.content
    customer = created.json()
    assert customer["department"] == "sales"
    # Personal data: masked in every answer (retention-presets.md), the domain kept.
    assert [p["value"] for p in customer["contact_points"]] == ["o**@example.com"]
    assert customer["probable_duplicates"] == []

    fetched = api.get(f"/customers/{customer['id']}").json()
    assert fetched == {k: v for k, v in customer.items() if k != "probable_duplicates"}
    assert fetched["merged_into"] is None

    changed = api.patch(
        f"/customers/{customer['id']}",
        {"relationship_status": "dormant", "version": 1, "reason": "no orders this year"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["relationship_status"] == "dormant"
    assert changed.json()["version"] == 2

    point = api.post(
        f"/customers/{customer['id']}/contact-points",
        {"kind": "phone", "value": "13812345678", "label": "front desk"},
    )
    assert point.status_code == 201, point.content
    assert point.json()["label"] == "front desk"
    assert point.json()["value"] == "138******78"
    assert "13812345678" not in api.get(f"/customers/{customer['id']}").content.decode()
    assert len(api.get(f"/customers/{customer['id']}").json()["contact_points"]) == 2

    actions = list(
        Entry.objects.filter(root=f"customer:{customer['id']}")
        .order_by("seq")
        .values_list("action", "via")
    )
    assert actions == [
        ("customer.create", "api"),
        ("customer.update", "api"),
        ("customer.contact_add", "api"),
    ]


def test_a_bad_nested_contact_point_names_its_position(people, api_as):
    api = api_as(people.agent)
    entries = Entry.objects.count()

    response = api.post(
        "/customers",
        {
            "kind": "person",
            "name": "李雷",
            "department": "sales",
            "contact_points": [
                {"kind": "email", "value": "ok@example.com"},
                {"kind": "fax", "value": "123"},
            ],
        },
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "contact_points[1].kind"
    assert not Customer.objects.filter(name="李雷").exists()
    assert Entry.objects.count() == entries


def test_customer_filters_and_department_scope(people, api_as):
    make_customer(people.agent, people.sales, name="Acme Trading", tags=["vip"])
    make_customer(people.agent, people.sales, name="Beta Foods", kind="organisation")
    make_customer(people.outsider, people.service, name="Acme Service Co")
    api = api_as(people.agent)

    def names(params):
        response = api.get("/customers", params)
        assert response.status_code == 200, response.content
        return [c["name"] for c in response.json()["items"]]

    # Found by the full name, shown masked (a person); an organisation's name in full.
    assert names({"q": "acme"}) == ["A* T*"]
    assert names({"kind": "organisation"}) == ["Beta Foods"]
    assert names({"tag": "vip"}) == ["A* T*"]
    assert "A* S* C*" in [
        c["name"] for c in api_as(people.auditor).get("/customers").json()["items"]
    ]


def test_an_outsider_gets_404_for_another_departments_customer(people, customer, api_as):
    api = api_as(people.outsider)

    assert api.get(f"/customers/{customer.pk}").status_code == 404
    assert api.patch(f"/customers/{customer.pk}", {"name": "x"}).status_code == 404
    assert (
        api.post(
            f"/customers/{customer.pk}/contact-points", {"kind": "email", "value": "x@example.com"}
        ).status_code
        == 404
    )
    customer.refresh_from_db()
    assert customer.name != "x"
