"""Customers through the web pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseledger.customers.models import ContactPoint, Customer
from caseledger.customers.queries import contact_masked
from caseledger.customers.sealing import contact_index
from caseledger.journal.models import Entry
from caseledger.vault.masking import display_name, mask_mobile
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

    for point in customer.contact_points.all():  # personal data: masked where only read
        assert contact_masked(point.kind, point.value) in html and point.value not in html
        if point.kind == "phone":
            assert mask_mobile(point.value) in html and point.value[3:] not in html
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
    assert "se****@example.com" in response.content.decode()
    assert "second@example.com" not in response.content.decode()
    point = ContactPoint.objects.get(blind_index=contact_index("email", "second@example.com"))
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
    make_customer(people.agent, people.sales, name="Zhang Industrial", kind="organisation")
    person = make_customer(people.agent, people.sales, name="Zhang Wei")
    foreign = make_customer(people.outsider, people.service, name="Zhang Foreign")

    html = (
        login(people.agent)
        .get(reverse("web:customer_picker"), {"customer_q": "Zhang"})
        .content.decode()
    )

    assert "Zhang Industrial" in html  # an organisation's name is not personal information
    assert f"#{person.pk} Z* W*" in html and "Zhang Wei" not in html  # a person's is masked
    assert foreign.name not in html


def test_a_duplicate_phone_is_flagged_with_a_merge_action_and_the_merge_is_confirmed(
    people, customer, login
):
    client = login(people.agent)
    phone = customer.contact_points.get(kind="phone").value
    created = client.post(
        reverse("web:customer_create"),
        {
            "name": "同一个人",
            "kind": "person",
            "department": people.sales.pk,
            "relationship_status": "active",
            "contact_kind": "phone",
            "contact_value": phone,
        },
        follow=True,
    )
    duplicate = Customer.objects.get(name="同一个人")
    html = created.content.decode()
    assert "Probable duplicate" in html and 'id="probable-duplicates"' in html
    merge_url = reverse("web:customer_merge", args=[duplicate.pk])
    assert f"{merge_url}?survivor={customer.pk}" in html
    case = make_case(people.agent, duplicate)

    compare = client.post(merge_url, {"survivor": customer.pk, "reason": "same phone, called"})
    assert compare.status_code == 422 and 'id="merge-preview"' in compare.content.decode()
    assert Customer.objects.get(pk=duplicate.pk).merged_into_id is None
    merged = client.post(
        merge_url, {"survivor": customer.pk, "reason": "same phone, called", "confirm": "on"}
    )

    assert merged.status_code == 302
    assert merged["Location"] == reverse("web:customer_detail", args=[customer.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == customer.pk
    assert case.reference in client.get(merged["Location"]).content.decode()
    page = client.get(reverse("web:customer_detail", args=[duplicate.pk])).content.decode()
    assert 'id="merged-banner"' in page
    assert reverse("web:customer_detail", args=[customer.pk]) in page
    listed = client.get(reverse("web:customer_list")).context["page"].rows
    assert duplicate not in listed and customer in listed

    client.post(reverse("web:customer_unmerge", args=[duplicate.pk]), {"reason": "two people"})

    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    assert (
        case.reference
        in client.get(reverse("web:customer_detail", args=[duplicate.pk])).content.decode()
    )


def test_merge_page_refuses_a_held_customer_by_name(people, customer, login):
    from caseledger.retention.services import hold_place

    other = make_customer(people.agent, people.sales)
    hold_place(
        actor=people.records_manager,
        matter="Matter 88",
        reason="court",
        scope="customers",
        customers=[customer.pk],
    )

    response = login(people.agent).post(
        reverse("web:customer_merge", args=[other.pk]),
        {"survivor": customer.pk, "reason": "dup", "confirm": "on"},
    )

    assert response.status_code == 422
    assert "Matter 88" in response.content.decode()
    assert Customer.objects.get(pk=other.pk).merged_into_id is None


def test_contact_reveal_is_for_compliance_with_a_reason(people, customer, login):
    point = customer.contact_points.get(kind="email")
    url = reverse("web:contact_point_reveal", args=[point.pk])
    assert login(people.agent).post(url, {"reason": "call"}).status_code == 403
    carl = login(people.compliance)
    assert url in carl.get(reverse("web:customer_detail", args=[customer.pk])).content.decode()
    form = carl.get(url)
    assert form.status_code == 200 and point.value not in form.content.decode()
    entries = Entry.objects.count()

    shown = carl.post(url, {"reason": "the customer asked for a copy"})

    assert f'id="revealed-value">{point.value}<' in shown.content.decode()
    assert "no-store" in shown.headers["Cache-Control"]
    entry = Entry.objects.get(seq=entries + 1)
    assert (entry.action, entry.reason) == ("customer.reveal", "the customer asked for a copy")


def test_the_case_export_carries_no_contact_values(people, customer, login):
    """The cases CSV names the customer, a person masked, and holds no phone or e-mail."""
    make_case(people.agent, customer)

    response = login(people.supervisor).get(reverse("web:case_export"))

    text = b"".join(response.streaming_content).decode()
    assert display_name(customer) in text and customer.name not in text
    for point in customer.contact_points.all():
        assert point.value not in text and point.value[3:] not in text


def test_a_persons_name_stays_out_of_the_edit_form_and_is_kept_when_left_empty(
    people, customer, login
):
    # The page heading masks the name; the form's name field once carried it in plain text.
    client = login(people.agent)
    page = client.get(reverse("web:customer_edit", args=[customer.pk]))
    assert customer.name not in page.content.decode()
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}

    saved = client.post(
        reverse("web:customer_edit", args=[customer.pk]),
        {**data, "tags": "vip", "reason": "key account"},
    )

    assert saved.status_code == 302
    customer.refresh_from_db()
    assert customer.tags == ["vip"] and customer.name.startswith("客户 Customer")
