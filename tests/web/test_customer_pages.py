"""Customers through the web pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseledger.customers.models import ContactPoint, Customer
from caseledger.journal.models import Entry
from caseledger.vault.masking import mask_mobile
from tests.factories import make_case, make_customer

pytestmark = pytest.mark.django_db


def test_agent_creates_a_customer_with_a_phone(people, login):
    client = login(people.agent)

    response = client.post(
        reverse("web:customer_create"),
        {
            "name": "王小明",
            "kind": "person",
            "department": people.sales.pk,
            "relationship_status": "active",
            "tags": "vip, 华东",
            "contact_kind": "phone",
            "contact_value": "13812345678",
        },
    )

    customer = Customer.objects.get(name="王小明")
    assert response.status_code == 302
    assert sorted(customer.tags) == ["vip", "华东"]
    assert customer.contact_points.get().kind == "phone"
    assert Entry.objects.get(action="customer.create", object_id=str(customer.pk)).via == "web"


def test_a_bad_contact_value_is_shown_next_to_it_and_nothing_is_written(people, login):
    client = login(people.agent)
    before = (Customer.objects.count(), Entry.objects.count())

    response = client.post(
        reverse("web:customer_create"),
        {
            "name": "Bad Email Ltd",
            "kind": "organisation",
            "department": people.sales.pk,
            "relationship_status": "active",
            "contact_kind": "email",
            "contact_value": "not-mail",
        },
    )

    assert response.status_code == 422
    assert 'data-field="contact_value"' in response.content.decode()
    assert (Customer.objects.count(), Entry.objects.count()) == before


def test_detail_lists_contact_points_and_only_visible_cases(people, customer, login):
    case = make_case(people.agent, customer)

    html = (
        login(people.agent).get(reverse("web:customer_detail", args=[customer.pk])).content.decode()
    )

    for point in customer.contact_points.all():
        if point.kind == "phone":  # personal data: masked for everyone where it is only read
            assert mask_mobile(point.value) in html and point.value[3:] not in html
        else:
            assert point.value in html
    assert case.reference in html


def test_contact_point_added_through_htmx(people, customer, login):
    response = login(people.agent).post(
        reverse("web:contact_point_add", args=[customer.pk]),
        {
            "kind": "email",
            "value": "second@example.com",
            "label": "work",
            "verified_at": "2026-03-01T10:00:00",
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "second@example.com" in response.content.decode()
    point = ContactPoint.objects.get(value="second@example.com")
    assert point.verified_at.isoformat() == "2026-03-01T02:00:00+00:00"  # entered as +08:00
    assert "2026-03-01 10:00" in response.content.decode()


def test_customer_edit_and_conflict(people, customer, login):
    client = login(people.agent)
    form = client.get(reverse("web:customer_edit", args=[customer.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}

    saved = client.post(
        reverse("web:customer_edit", args=[customer.pk]),
        {**data, "name": "New name", "reason": "typo"},
    )
    stale = client.post(
        reverse("web:customer_edit", args=[customer.pk]), {**data, "name": "Stale name"}
    )

    customer.refresh_from_db()
    assert saved.status_code == 302
    assert stale.status_code == 409
    assert customer.name == "New name"
    assert "changed by someone else" in stale.content.decode()


def test_customer_list_search_and_scope(people, customer, login):
    foreign = make_customer(people.outsider, people.service, name="Foreign Co")
    client = login(people.agent)

    everyone = client.get(reverse("web:customer_list")).context["page"].rows
    found = client.get(reverse("web:customer_list"), {"q": customer.name[:6]}).context["page"]

    assert customer in everyone and foreign not in everyone
    assert customer in found.rows
    assert client.get(reverse("web:customer_detail", args=[foreign.pk])).status_code == 404


def test_case_form_customer_picker_searches_visible_customers(people, customer, login):
    make_customer(people.agent, people.sales, name="Zhang Industrial")
    foreign = make_customer(people.outsider, people.service, name="Zhang Foreign")

    html = (
        login(people.agent)
        .get(reverse("web:customer_picker"), {"customer_q": "Zhang"})
        .content.decode()
    )

    assert "Zhang Industrial" in html
    assert foreign.name not in html
