"""Contact points are sealed at rest (customers/sealing.py): no phone number or e-mail
address in the rows or the journal, found by blind index, bound to their customer."""

from __future__ import annotations

import pytest
from django.db import connection

from caseledger.customers.models import ContactPoint, Customer
from caseledger.customers.queries import probable_duplicates
from caseledger.customers.services import (
    contact_point_add,
    contact_point_update,
    customer_merge,
    customer_unmerge,
)
from caseledger.vault.crypto import DecryptionRefused
from tests.factories import make_customer

PHONE, EMAIL = "13912340077", "Zhang.San@Example.com"
# Every form the values could be stored in.
PLAIN = ("13912340077", "+8613912340077", "Zhang.San", "zhang.san")


def _stored() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM customers_contactpoint")
        rows = repr(cursor.fetchall())
        cursor.execute("SELECT body FROM journal_payload")
        return rows + repr(cursor.fetchall())


def test_no_phone_or_email_is_stored_in_plain_by_any_contact_change(people):
    customer = make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": PHONE}]
    )
    point = contact_point_add(
        actor=people.agent, customer=customer, data={"kind": "email", "value": "old@example.com"}
    )
    contact_point_update(actor=people.agent, point=point, data={"value": EMAIL})
    contact_point_update(actor=people.agent, point=point, data={"label": "work"})

    stored = _stored()
    assert not [p for p in PLAIN if p in stored]
    points = list(customer.contact_points.order_by("id"))
    assert [p.value for p in points] == ["+8613912340077", "Zhang.San@example.com"]
    assert [p.masked for p in points] == ["139******77", "Zha******@example.com"]
    assert points[1].label == "work"


def test_a_label_change_keeps_the_ciphertext_and_a_value_change_replaces_it(people, customer):
    point = customer.contact_points.get(kind="email")
    sealed, index = point.ciphertext, point.blind_index
    assert contact_point_update(
        actor=people.agent, point=point, data={"label": "家"}
    ).ciphertext == (sealed)
    changed = contact_point_update(actor=people.agent, point=point, data={"value": "x@example.com"})
    assert changed.ciphertext != sealed and changed.blind_index != index


def test_a_ciphertext_copied_to_another_customer_does_not_decrypt(people, customer):
    other = make_customer(people.agent, people.sales)
    mine = customer.contact_points.get(kind="phone")
    ContactPoint.objects.filter(customer=other, kind="phone").update(ciphertext=mine.ciphertext)
    with pytest.raises(DecryptionRefused):
        _ = other.contact_points.get(kind="phone").value


def test_equal_values_share_a_blind_index_whatever_the_case_of_the_address(people, customer):
    email = customer.contact_points.get(kind="email").value
    twin = make_customer(
        people.agent,
        people.sales,
        contact_points=[
            {"kind": "email", "value": email.upper().replace("@EXAMPLE.COM", "@example.com")}
        ],
    )
    assert probable_duplicates(actor=people.agent, customer=twin) == [customer]


def test_a_merge_and_its_undoing_reseal_the_moved_points_for_their_new_customer(people):
    survivor = make_customer(people.agent, people.sales, contact_points=[])
    merged = make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": PHONE}]
    )
    point = merged.contact_points.get()
    customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="same person")
    moved = ContactPoint.objects.get(pk=point.pk)
    assert moved.customer_id == survivor.pk and moved.ciphertext != point.ciphertext
    assert moved.value == "+8613912340077"

    customer_unmerge(
        actor=people.agent, merged=Customer.objects.get(pk=merged.pk), reason="not the same"
    )
    back = ContactPoint.objects.get(pk=point.pk)
    assert back.customer_id == merged.pk and back.value == "+8613912340077"
