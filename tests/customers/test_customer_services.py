"""Scenarios for customers/services.py."""

from __future__ import annotations

import pytest

from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.customers.models import ContactPoint, Customer
from caseledger.customers.queries import customer_list
from caseledger.customers.services import (
    contact_point_add,
    contact_point_remove,
    contact_point_update,
    customer_create,
    customer_update,
)
from caseledger.journal.models import Entry
from caseledger.journal.queries import history, state_as_of


def test_a_customer_with_contact_points_is_recorded_whole(people):
    customer = customer_create(
        actor=people.agent,
        data={
            "kind": "organisation",
            "name": "上海某某贸易有限公司",
            "department": "sales",
            "tags": ["vip", "wholesale", "vip"],
            "contact_points": [
                {"kind": "phone", "value": "+86 138 1234 5678"},
                {"kind": "email", "value": "Buyer@Example.COM"},
            ],
        },
    )
    assert customer.tags == ["vip", "wholesale"]
    points = list(ContactPoint.objects.filter(customer=customer).order_by("id"))
    assert [p.value for p in points] == ["+8613812345678", "Buyer@example.com"]
    assert [p.masked for p in points] == ["138******78", "B****@example.com"]
    state = state_as_of("customer", customer.pk)
    # Journaled sealed, as stored: the ciphertext and its mask, never the value.
    assert [cp["ciphertext"] for cp in state["contact_points"]] == [p.ciphertext for p in points]
    assert [cp["masked"] for cp in state["contact_points"]] == [p.masked for p in points]
    assert "value" not in state["contact_points"][0]


def test_a_bad_phone_names_the_contact_point(people):
    before = (Customer.objects.count(), Entry.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        customer_create(
            actor=people.agent,
            data={
                "kind": "person",
                "name": "张三",
                "department": "sales",
                "contact_points": [{"kind": "phone", "value": "12345"}],
            },
        )
    assert caught.value.field == "contact_points[0].value"
    assert (Customer.objects.count(), Entry.objects.count()) == before


def test_an_agent_cannot_create_a_customer_for_another_department(people):
    with pytest.raises(PermissionDenied):
        customer_create(
            actor=people.agent, data={"kind": "person", "name": "李四", "department": "service"}
        )


def test_contact_point_changes_are_journaled_on_the_customer(people, customer):
    point = contact_point_add(
        actor=people.agent,
        customer=customer,
        data={"kind": "address", "value": "北京市朝阳区建国路 1 号"},
    )
    contact_point_update(
        actor=people.agent, point=point, data={"verified_at": "2026-05-01T10:00:00+08:00"}
    )
    contact_point_remove(actor=people.agent, point=point, reason="customer moved")
    actions = [h.action for h in history(f"customer:{customer.pk}")]
    assert actions == [
        "customer.create",
        "customer.contact_add",
        "customer.contact_update",
        "customer.contact_remove",
    ]
    assert all(
        cp["kind"] != "address" for cp in state_as_of("customer", customer.pk)["contact_points"]
    )


def test_removing_a_contact_point_needs_a_reason(people, customer):
    point = customer.contact_points.first()
    with pytest.raises(ValidationFailed) as caught:
        contact_point_remove(actor=people.agent, point=point, reason=" ")
    assert caught.value.field == "reason"


def test_ending_a_relationship(people, customer):
    customer_update(
        actor=people.agent,
        customer=customer,
        data={"relationship_status": "ended", "relationship_ended_on": "2026-06-30"},
    )
    last = history(f"customer:{customer.pk}")[-1]
    assert last.changes["relationship_status"] == ["active", "ended"]
    assert last.changes["relationship_ended_on"] == [None, "2026-06-30"]


def test_search_finds_by_name_or_contact_within_scope(people, customer):
    from tests.factories import make_customer

    make_customer(people.outsider, people.service, name="王五")
    assert list(customer_list(actor=people.agent, filters={"q": "Customer"})) == [customer]
    phone = customer.contact_points.get(kind="phone").value  # +8613812340001
    typed = f"{phone[3:6]} {phone[6:10]} {phone[10:]}"  # as a person types it: 138 1234 0001
    assert list(customer_list(actor=people.agent, filters={"q": typed})) == [customer]
    email = customer.contact_points.get(kind="email").value
    assert list(customer_list(actor=people.agent, filters={"q": email.upper()})) == [customer]
    # Contact values are sealed: found by the blind index of the whole value, not a part.
    assert not customer_list(actor=people.agent, filters={"q": phone[-8:]}).exists()
    assert not customer_list(actor=people.agent, filters={"q": "王五"}).exists()
    assert customer_list(actor=people.auditor, filters={"q": "王五"}).exists()
