"""Sensitive identifiers on a customer: added encrypted, found by blind index, revealed only
with the permission and a reason, and the plaintext kept out of every stored row."""

from __future__ import annotations

import pytest
from django.db import connection

from caseledger.core.errors import NotFound, PermissionDenied, ValidationFailed
from caseledger.customers.models import Customer, Identifier
from caseledger.customers.queries import customer_find_by_identifier
from caseledger.customers.services import (
    customer_state,
    identifier_add,
    identifier_remove,
    identifier_reveal,
)
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from tests.factories import make_customer

RESIDENT_ID = "11010519491231002X"


def _live(customer):
    return Customer.objects.get(pk=customer.pk)


def _everything_stored() -> str:
    """Every identifier row and every journal payload, as text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM customers_identifier")
        rows = [str(r) for r in cursor.fetchall()]
        cursor.execute("SELECT body FROM journal_payload")
        rows += [str(r) for r in cursor.fetchall()]
        cursor.execute("SELECT reason FROM journal_entry")
        rows += [str(r) for r in cursor.fetchall()]
    return "\n".join(rows)


def test_an_agent_adds_a_resident_id_that_is_stored_only_encrypted_and_masked(people, customer):
    added = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value="11010519491231002x"
    )
    identifier = added.identifier
    assert identifier.masked == "1****************X"
    assert identifier.ciphertext.startswith(f"v1:{identifier.key_id}:")
    assert added.warnings == () and added.probable_duplicates == ()
    entry = Entry.objects.order_by("-seq").first()
    assert entry.action == "customer.identifier_add"
    assert RESIDENT_ID not in _everything_stored()
    assert RESIDENT_ID.lower() not in _everything_stored()


def test_the_journal_rebuilds_the_customer_with_identifiers_and_stays_verifiable(people, customer):
    first = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    ).identifier
    identifier_add(actor=people.agent, customer=customer, kind="passport", value="E12345678")
    assert state_as_of("customer", customer.pk) == customer_state(_live(customer))
    state = customer_state(customer)
    assert [i["masked"] for i in state["identifiers"]] == ["1****************X", "E12***678"]
    identifier_reveal(actor=people.compliance, identifier=first, reason="court order 2026-17")
    assert state_as_of("customer", customer.pk) == customer_state(_live(customer))
    identifier_remove(actor=people.agent, identifier=first, reason="entered on the wrong customer")
    identifier_remove(
        actor=people.agent,
        identifier=Identifier.objects.get(customer=customer),
        reason="customer asked",
    )
    assert state_as_of("customer", customer.pk) == customer_state(_live(customer))
    assert "identifiers" not in customer_state(customer)
    last = Entry.objects.order_by("-seq").select_related("payload").first()
    assert '"identifiers":[[' in last.payload.body  # the removal shows what was there
    assert verify_chain().ok


def test_bad_values_are_refused_naming_the_field_and_leaving_nothing(people, customer):
    entries = Entry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        identifier_add(
            actor=people.agent, customer=customer, kind="resident_id", value="110105194912310021"
        )
    assert refused.value.field == "value" and "check character" in refused.value.message
    assert "110105194912310021" not in str(refused.value)
    with pytest.raises(ValidationFailed) as refused:
        identifier_add(actor=people.agent, customer=customer, kind="shoe_size", value="42")
    assert refused.value.field == "kind"
    assert Entry.objects.count() == entries and not Identifier.objects.exists()


def test_a_bank_card_failing_luhn_is_kept_with_a_warning(people, customer):
    added = identifier_add(
        actor=people.agent, customer=customer, kind="bank_card", value="6222 0212 3456 7890 124"
    )
    assert added.identifier.masked == "***************0124"
    assert any("Luhn" in w for w in added.warnings)


def test_the_same_value_on_another_customer_is_a_probable_duplicate(people, customer):
    other = make_customer(people.agent, people.sales)
    hidden = make_customer(people.outsider, people.service)
    identifier_add(actor=people.agent, customer=other, kind="resident_id", value=RESIDENT_ID)
    identifier_add(actor=people.outsider, customer=hidden, kind="resident_id", value=RESIDENT_ID)
    added = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    )
    assert any("2 other customers" in w for w in added.warnings)
    assert added.probable_duplicates == (other.pk,)  # the other department's stays unnamed
    with pytest.raises(ValidationFailed, match="already has") as refused:
        identifier_add(actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID)
    assert refused.value.code == "duplicate"


def test_only_those_who_may_modify_the_customer_add_or_remove(people, customer):
    for who in (people.outsider, people.auditor, people.compliance):
        with pytest.raises(PermissionDenied):
            identifier_add(actor=who, customer=customer, kind="passport", value="E12345678")
    identifier = identifier_add(
        actor=people.agent, customer=customer, kind="passport", value="E12345678"
    ).identifier
    with pytest.raises(PermissionDenied):
        identifier_remove(actor=people.outsider, identifier=identifier, reason="x")
    with pytest.raises(ValidationFailed) as refused:
        identifier_remove(actor=people.agent, identifier=identifier, reason="  ")
    assert refused.value.field == "reason"


# ---- reveal ---------------------------------------------------------------------------------


def test_compliance_reveals_with_a_reason_and_the_journal_says_who_saw_what_and_why(
    people, customer
):
    identifier = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    ).identifier
    value = identifier_reveal(
        actor=people.compliance, identifier=identifier, reason="privacy request PR-12"
    )
    assert value == RESIDENT_ID
    entry = Entry.objects.select_related("payload").order_by("-seq").first()
    assert (entry.action, entry.actor_name, entry.reason) == (
        "customer.reveal",
        "carl",
        "privacy request PR-12",
    )
    assert (entry.object_type, entry.object_id) == ("customer", str(customer.pk))
    assert '"field":"identifier.resident_id"' in entry.payload.body
    assert RESIDENT_ID not in _everything_stored()


@pytest.mark.parametrize("who", ["agent", "supervisor", "auditor", "records_manager", "admin"])
def test_reveal_is_refused_without_the_permission_and_leaves_no_entry(people, customer, who):
    identifier = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    ).identifier
    entries = Entry.objects.count()
    with pytest.raises(PermissionDenied):
        identifier_reveal(actor=getattr(people, who), identifier=identifier, reason="curious")
    assert Entry.objects.count() == entries


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reveal_is_refused_without_a_reason(people, customer, reason):
    identifier = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    ).identifier
    entries = Entry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        identifier_reveal(actor=people.compliance, identifier=identifier, reason=reason)
    assert refused.value.field == "reason"
    assert Entry.objects.count() == entries


def test_a_ciphertext_copied_to_another_customer_is_refused_on_reveal(people, customer):
    other = make_customer(people.agent, people.sales)
    source = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    ).identifier
    target = identifier_add(
        actor=people.agent, customer=other, kind="passport", value="E12345678"
    ).identifier
    # Someone with database access copies the ciphertext across, to read it as the other.
    Identifier.objects.filter(pk=target.pk).update(ciphertext=source.ciphertext)
    from caseledger.vault.crypto import DecryptionRefused

    with pytest.raises(DecryptionRefused):
        identifier_reveal(actor=people.compliance, identifier=target, reason="audit")
    Identifier.objects.filter(pk=target.pk).update(kind="resident_id")
    with pytest.raises(DecryptionRefused):
        identifier_reveal(actor=people.compliance, identifier=target, reason="audit")


def test_a_removed_identifier_cannot_be_revealed(people, customer):
    identifier = identifier_add(
        actor=people.agent, customer=customer, kind="passport", value="E12345678"
    ).identifier
    identifier_remove(actor=people.agent, identifier=identifier, reason="wrong person")
    with pytest.raises(NotFound):
        identifier_reveal(actor=people.compliance, identifier=identifier, reason="audit")


# ---- lookup by blind index --------------------------------------------------------------------


def test_lookup_by_identifier_finds_the_customer_within_the_actors_departments(people, customer):
    identifier_add(actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID)
    other = make_customer(people.outsider, people.service)
    identifier_add(actor=people.outsider, customer=other, kind="resident_id", value=RESIDENT_ID)
    typed = "110105 19491231 002x"  # spaced, lower-case: normalized before indexing
    found = customer_find_by_identifier(actor=people.agent, kind="resident_id", value=typed)
    assert list(found) == [customer]
    found = customer_find_by_identifier(actor=people.outsider, kind="resident_id", value=typed)
    assert list(found) == [other]
    found = customer_find_by_identifier(actor=people.auditor, kind="resident_id", value=typed)
    assert set(found) == {customer, other}
    assert not customer_find_by_identifier(actor=people.agent, kind="passport", value=RESIDENT_ID)
    with pytest.raises(PermissionDenied):
        customer_find_by_identifier(actor=people.admin, kind="resident_id", value=typed)
    with pytest.raises(ValidationFailed):
        customer_find_by_identifier(actor=people.agent, kind="resident_id", value="123")
