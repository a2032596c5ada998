"""Scenarios for customers/services.py::customer_merge and customer_unmerge."""

from __future__ import annotations

import json

import pytest

from caseledger.cases.models import Case
from caseledger.cases.services import case_state
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.customers.models import Customer, Identifier
from caseledger.customers.queries import customer_get, customer_list, probable_duplicates
from caseledger.customers.services import (
    contact_point_add,
    customer_merge,
    customer_state,
    customer_unmerge,
    identifier_add,
    identifier_reveal,
)
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from caseledger.privacy import services as privacy
from caseledger.privacy.models import Consent
from caseledger.retention.errors import Held
from tests.factories import make_case, make_customer

RESIDENT_ID = "11010519491231002X"
PASSPORT = "E12345678"


def _payload(entry: Entry) -> dict:
    return json.loads(entry.payload.body)


def _rebuilt(customer: Customer) -> bool:
    customer.refresh_from_db()
    return state_as_of("customer", customer.pk) == customer_state(customer)


@pytest.fixture
def pair(people):
    """Two records of one person: the survivor and a later duplicate sharing the phone."""
    survivor = make_customer(
        people.agent,
        people.sales,
        name="王小明",
        contact_points=[{"kind": "phone", "value": "13812345678"}],
    )
    merged = make_customer(
        people.agent,
        people.sales,
        name="王小明 (dup)",
        contact_points=[
            {"kind": "phone", "value": "+86 138 1234 5678"},
            {"kind": "email", "value": "xiaoming@example.com"},
        ],
    )
    identifier_add(actor=people.agent, customer=survivor, kind="passport", value=PASSPORT)
    identifier_add(actor=people.agent, customer=merged, kind="passport", value=PASSPORT)
    identifier_add(actor=people.agent, customer=merged, kind="resident_id", value=RESIDENT_ID)
    return survivor, merged


def test_merge_moves_everything_once_and_both_histories_say_what_moved(people, pair):
    survivor, merged = pair
    case = make_case(people.agent, merged)
    consent = privacy.consent_grant(
        actor=people.agent,
        customer=merged,
        data={"purpose": "sms", "legal_basis": "consent", "obtained_by": "call"},
    )
    dup_phone = merged.contact_points.get(kind="phone")
    email = merged.contact_points.get(kind="email")
    dup_passport = merged.identifiers.get(kind="passport")
    resident = merged.identifiers.get(kind="resident_id")

    result = customer_merge(
        actor=people.agent, survivor=survivor, merged=merged, reason="same person, ID checked"
    )

    assert result.moved.cases == (case.pk,)
    assert result.moved.contact_points == (email.pk,)
    assert result.moved.duplicate_contact_points == (dup_phone.pk,)
    assert result.moved.identifiers == (resident.pk,)
    assert result.moved.duplicate_identifiers == (dup_passport.pk,)
    assert result.moved.consents == (consent.pk,)
    merged.refresh_from_db()
    assert merged.merged_into_id == survivor.pk and merged.merged_at is not None
    assert Case.objects.get(pk=case.pk).customer_id == survivor.pk
    assert sorted(survivor.contact_points.values_list("kind", flat=True)) == ["email", "phone"]
    assert list(merged.contact_points.values_list("pk", flat=True)) == [dup_phone.pk]
    assert Consent.objects.get(pk=consent.pk).customer_id == survivor.pk
    # Re-encrypted for its new owner: the survivor's reveal decrypts it.
    moved = Identifier.objects.get(pk=resident.pk)
    assert moved.customer_id == survivor.pk
    assert identifier_reveal(actor=people.compliance, identifier=moved, reason="check") == (
        RESIDENT_ID
    )
    for customer, role in ((survivor, "survivor"), (merged, "merged")):
        entry = Entry.objects.filter(object_id=str(customer.pk), action="customer.merge").get()
        extra = _payload(entry)["extra"]
        assert extra["role"] == role and entry.reason == "same person, ID checked"
        assert (extra["survivor"], extra["merged"]) == (survivor.pk, merged.pk)
        assert extra["cases"] == [case.pk] and extra["contact_points"] == [email.pk]
        assert extra["duplicate_contact_points"] == [dup_phone.pk]
        assert extra["identifiers"] == [resident.pk] and extra["consents"] == [consent.pk]
        assert _rebuilt(customer)
    case_entry = Entry.objects.get(object_type="case", action="case.customer_merge")
    assert _payload(case_entry)["changes"]["customer_id"] == [merged.pk, survivor.pk]
    assert state_as_of("case", case.pk) == case_state(Case.objects.get(pk=case.pk))
    assert state_as_of("consent", consent.pk)["customer_id"] == survivor.pk
    assert RESIDENT_ID not in "".join(e.payload.body for e in Entry.objects.all())
    assert verify_chain().ok


def test_a_merged_customer_leaves_lists_and_search_but_can_still_be_opened(people, pair):
    survivor, merged = pair
    customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="duplicate")

    assert merged.pk not in customer_list(actor=people.agent).values_list("pk", flat=True)
    assert not customer_list(actor=people.agent, filters={"q": "(dup)"}).exists()
    opened = customer_get(actor=people.agent, customer_id=merged.pk)
    assert opened.merged_into_id == survivor.pk
    with pytest.raises(Conflict) as caught:
        contact_point_add(
            actor=people.agent, customer=merged, data={"kind": "email", "value": "x@example.com"}
        )
    assert caught.value.code == "merged" and str(survivor.pk) in caught.value.message


def test_unmerge_moves_back_exactly_what_the_merge_moved(people, pair):
    survivor, merged = pair
    case = make_case(people.agent, merged)
    own_case = make_case(people.agent, survivor)
    before = {
        "survivor_points": set(survivor.contact_points.values_list("pk", flat=True)),
        "merged_points": set(merged.contact_points.values_list("pk", flat=True)),
        "survivor_ids": set(survivor.identifiers.values_list("pk", flat=True)),
        "merged_ids": set(merged.identifiers.values_list("pk", flat=True)),
    }
    customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="duplicate")
    later = contact_point_add(
        actor=people.agent, customer=survivor, data={"kind": "email", "value": "new@example.com"}
    )

    result = customer_unmerge(actor=people.agent, merged=merged, reason="not the same person")

    merged.refresh_from_db()
    assert merged.merged_into_id is None and merged.merged_at is None
    assert set(merged.contact_points.values_list("pk", flat=True)) == before["merged_points"]
    assert set(survivor.contact_points.values_list("pk", flat=True)) == (
        before["survivor_points"] | {later.pk}
    )
    assert set(merged.identifiers.values_list("pk", flat=True)) == before["merged_ids"]
    assert set(survivor.identifiers.values_list("pk", flat=True)) == before["survivor_ids"]
    assert Case.objects.get(pk=case.pk).customer_id == merged.pk
    assert Case.objects.get(pk=own_case.pk).customer_id == survivor.pk
    assert result.moved.cases == (case.pk,)
    back = merged.identifiers.get(kind="resident_id")
    assert identifier_reveal(actor=people.compliance, identifier=back, reason="check") == (
        RESIDENT_ID
    )
    for customer in (survivor, merged):
        assert Entry.objects.filter(object_id=str(customer.pk), action="customer.unmerge").count()
        assert _rebuilt(customer)
    assert Entry.objects.filter(action="case.customer_unmerge", object_id=str(case.pk)).exists()
    assert merged.pk in customer_list(actor=people.agent).values_list("pk", flat=True)
    assert verify_chain().ok


def test_merge_refusals_name_the_problem_and_write_nothing(people, pair):
    survivor, merged = pair
    elsewhere = make_customer(people.outsider, people.service)
    entries = Entry.objects.count()

    with pytest.raises(ValidationFailed) as same:
        customer_merge(actor=people.agent, survivor=merged, merged=merged, reason="x")
    assert same.value.field == "survivor"
    with pytest.raises(ValidationFailed) as no_reason:
        customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(PermissionDenied):
        customer_merge(actor=people.agent, survivor=survivor, merged=elsewhere, reason="x")
    with pytest.raises(PermissionDenied):
        customer_merge(actor=people.auditor, survivor=survivor, merged=merged, reason="x")
    with pytest.raises(Conflict) as not_merged:
        customer_unmerge(actor=people.agent, merged=merged, reason="x")
    assert not_merged.value.code == "not_merged"
    assert Entry.objects.count() == entries

    customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="dup")
    entries = Entry.objects.count()
    third = make_customer(people.agent, people.sales)
    entries = Entry.objects.count()
    for survivor_, merged_ in ((third, merged), (merged, third)):
        with pytest.raises(Conflict) as again:
            customer_merge(actor=people.agent, survivor=survivor_, merged=merged_, reason="x")
        assert again.value.code == "merged"
    assert Entry.objects.count() == entries


@pytest.mark.parametrize("held", ["survivor", "merged"])
def test_a_legal_hold_on_either_customer_refuses_the_merge(people, pair, held):
    from caseledger.retention.services import hold_place

    survivor, merged = pair
    target = survivor if held == "survivor" else merged
    hold_place(
        actor=people.records_manager,
        matter="Lawsuit 2026-17",
        reason="court order",
        scope="customers",
        customers=[target.pk],
    )
    entries = Entry.objects.count()

    with pytest.raises(Held) as caught:
        customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="dup")

    assert "Lawsuit 2026-17" in caught.value.message
    assert Entry.objects.count() == entries
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    assert merged.contact_points.count() == 2


def test_a_pending_sensitive_change_must_be_decided_before_the_merge(people, pair):
    survivor, merged = pair
    privacy.identifier_change_propose(
        actor=people.agent, customer=merged, kind="bank_card", value="6222020200112233"
    )
    with pytest.raises(Conflict) as caught:
        customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="dup")
    assert caught.value.code == "pending_changes"


def test_probable_duplicates_by_phone_email_and_identifier(people):
    first = make_customer(
        people.agent,
        people.sales,
        contact_points=[
            {"kind": "phone", "value": "13900001111"},
            {"kind": "email", "value": "Li.Lei@Example.com"},
        ],
    )
    by_phone = make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": "139 0000 1111"}]
    )
    by_email = make_customer(
        people.agent,
        people.sales,
        contact_points=[{"kind": "email", "value": "li.lei@example.COM"}],
    )
    unrelated = make_customer(people.agent, people.sales, contact_points=[])
    other_department = make_customer(
        people.outsider, people.service, contact_points=[{"kind": "phone", "value": "13900001111"}]
    )
    identifier_add(actor=people.agent, customer=unrelated, kind="passport", value=PASSPORT)
    by_identifier = make_customer(people.agent, people.sales, contact_points=[])
    identifier_add(actor=people.agent, customer=by_identifier, kind="passport", value=PASSPORT)

    def dupes(customer):
        return [c.pk for c in probable_duplicates(actor=people.agent, customer=customer)]

    assert dupes(first) == [by_phone.pk, by_email.pk]  # not the other department's
    assert dupes(by_phone) == [first.pk]
    assert dupes(by_identifier) == [unrelated.pk]
    assert other_department.pk not in dupes(first)
    customer_merge(actor=people.agent, survivor=first, merged=by_phone, reason="dup")
    assert dupes(first) == [by_email.pk]


def test_a_held_case_of_the_merged_customer_refuses_the_merge(people, pair):
    from caseledger.retention.services import hold_place

    survivor, merged = pair
    case = make_case(people.agent, merged)
    hold_place(
        actor=people.records_manager,
        matter="Regulator inquiry 9",
        reason="evidence",
        scope="cases",
        cases=[case.pk],
    )

    with pytest.raises(Held) as caught:
        customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="dup")

    assert "Regulator inquiry 9" in caught.value.message
    assert Case.objects.get(pk=case.pk).customer_id == merged.pk


def test_no_new_case_for_a_merged_away_customer(people, pair):
    survivor, merged = pair
    customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="same person")
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        make_case(people.agent, Customer.objects.get(pk=merged.pk))
    assert f"merged into customer {survivor.pk}" in str(caught.value)
    assert Case.objects.count() == before


def test_merge_refused_when_a_moved_case_sits_in_a_department_the_actor_cannot_modify(people, pair):
    from caseledger.accounts.services import user_create

    survivor, merged = pair
    head = user_create(
        actor=None,
        username="hana",
        password=people.password,
        roles=["supervisor"],
        department=people.sales,
        supervised=[people.sales, people.service],
    )
    elsewhere = make_case(head, merged, department=people.service.pk)
    entries = Entry.objects.count()
    with pytest.raises(PermissionDenied):
        customer_merge(actor=people.agent, survivor=survivor, merged=merged, reason="same")
    assert Case.objects.get(pk=elsewhere.pk).customer_id == merged.pk
    assert Customer.objects.get(pk=merged.pk).merged_into_id is None
    assert Entry.objects.count() == entries
