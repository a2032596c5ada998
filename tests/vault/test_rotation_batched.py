"""The batched rotation journals, for every customer, exactly what `customer_state` gives,
and a batch that cannot finish leaves nothing behind."""

from __future__ import annotations

import json
import logging

import pytest

from caseledger.core import clock
from caseledger.customers.models import ContactPoint, Customer, Identifier
from caseledger.customers.rotation import _Batch, vault_reencrypt_batch
from caseledger.customers.services import (
    contact_point_remove,
    customer_state,
    customer_update,
    identifier_add,
)
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from caseledger.vault import keys
from caseledger.vault.crypto import DecryptionRefused
from tests.cli.helpers import run
from tests.factories import make_customer

RESIDENT_IDS = ["11010519491231002X", "110105198001010016", "44030519900101123X"]


def _varied_customers(people):
    """Customers unlike each other in every way customer_state can show."""
    plain = make_customer(people.agent, people.sales, contact_points=[])
    identifier_add(actor=people.agent, customer=plain, kind="passport", value="E00000001")

    tagged = make_customer(people.agent, people.sales)
    customer_update(
        actor=people.agent,
        customer=tagged,
        data={"tags": ["vip", "新"], "relationship_status": "ended"},
    )
    customer_update(
        actor=people.agent, customer=tagged, data={"relationship_ended_on": "2026-03-01"}
    )
    for kind, value in (
        ("resident_id", RESIDENT_IDS[0]),
        ("bank_card", "6222021234567890128"),
        ("health", "高血压，需定期复查"),
    ):
        identifier_add(actor=people.agent, customer=tagged, kind=kind, value=value)

    trimmed = make_customer(people.agent, people.sales)
    identifier_add(actor=people.agent, customer=trimmed, kind="resident_id", value=RESIDENT_IDS[1])
    contact_point_remove(
        actor=people.agent, point=trimmed.contact_points.order_by("id").first(), reason="wrong"
    )
    Customer.objects.filter(pk=trimmed.pk).update(
        restricted_at=clock.now(), restricted_reason="PIPL Art 47"
    )
    # Nothing sealed (no identifier, no contact point): never touched.
    without = make_customer(people.agent, people.sales, contact_points=[])
    return [plain, tagged, trimmed], without


def test_prefetched_state_is_customer_state_for_every_kind_of_customer(people):
    customers, without = _varied_customers(people)
    ring = keys.load()
    batch = _Batch([c.pk for c in customers], ring)
    for customer in Customer.objects.filter(pk__in=[c.pk for c in customers]):
        assert batch.before[customer.pk] == customer_state(customer)
    assert without.pk not in batch.before


def test_a_batch_journals_customer_state_and_only_the_sealed_values_change(people):
    customers, without = _varied_customers(people)
    # One value already under the new key: it stays as it is, the others move.
    new = keys.key_add().active_id
    late = identifier_add(
        actor=people.agent, customer=customers[1], kind="passport", value="E00000002"
    ).identifier
    untouched = {
        i.pk: i.ciphertext for i in Identifier.objects.filter(customer=customers[1], key_id=new)
    }
    assert list(untouched) == [late.pk]
    versions = dict(Customer.objects.values_list("pk", "version"))
    entries = Entry.objects.count()

    result = vault_reencrypt_batch(actor=people.admin, batch_size=100)

    # 5 identifiers and 3 contact points (plain has none, tagged two, trimmed one left).
    assert (result.customers, result.values, result.exact_fallback) == (3, 8, False)
    assert result.last_customer == customers[-1].pk
    assert Identifier.objects.get(pk=late.pk).ciphertext == untouched[late.pk]
    assert set(Identifier.objects.values_list("key_id", flat=True)) == {new}
    # Re-encrypting changes no version: nobody's edit is refused because of a rotation.
    assert dict(Customer.objects.values_list("pk", "version")) == versions
    rotated = list(Entry.objects.filter(seq__gt=entries).order_by("seq"))
    assert [e.object_id for e in rotated] == [str(c.pk) for c in customers]
    assert set(ContactPoint.objects.values_list("key_id", flat=True)) == {new}
    moved = [{"identifiers"}, {"identifiers", "contact_points"}, {"identifiers", "contact_points"}]
    for entry, parts in zip(rotated, moved, strict=True):
        assert (entry.action, entry.actor_id) == ("customer.reencrypt", people.admin.pk)
        assert set(json.loads(entry.payload.body)["changes"]) == parts
    for customer in Customer.objects.all():
        assert state_as_of("customer", str(customer.pk)) == customer_state(customer)
    assert state_as_of("customer", str(without.pk))["version"] == without.version
    assert verify_chain().ok


def test_batches_walk_the_customers_in_order_and_resume_from_the_data(people):
    customers, _ = _varied_customers(people)
    keys.key_add()
    first = vault_reencrypt_batch(actor=None, batch_size=2)
    assert first.last_customer == customers[1].pk
    # A new run starts from the beginning and finds only what is still under an old key.
    second = vault_reencrypt_batch(actor=None, batch_size=2)
    assert (second.customers, second.last_customer) == (1, customers[2].pk)
    assert vault_reencrypt_batch(actor=None, after_customer=second.last_customer).customers == 0
    assert vault_reencrypt_batch(actor=None).customers == 0


def test_a_value_that_does_not_decrypt_stops_its_batch_and_nothing_is_written(people):
    customers, _ = _varied_customers(people)
    keys.key_add()
    # A ciphertext moved to another customer is refused (its associated data names the owner).
    stolen = Identifier.objects.filter(customer=customers[1]).order_by("id").first()
    victim = Identifier.objects.get(customer=customers[0])
    Identifier.objects.filter(pk=victim.pk).update(ciphertext=stolen.ciphertext)
    before = list(Identifier.objects.order_by("id").values_list("ciphertext", "key_id"))
    entries = Entry.objects.count()

    with pytest.raises(DecryptionRefused, match=f"customer:{customers[0].pk}") as refused:
        vault_reencrypt_batch(actor=None, batch_size=100)
    assert RESIDENT_IDS[0] not in str(refused.value)

    assert list(Identifier.objects.order_by("id").values_list("ciphertext", "key_id")) == before
    assert Entry.objects.count() == entries
    with pytest.raises(Exception, match="does not decrypt"):
        run("keys", "rotate")


def test_when_customer_state_grows_the_rotation_still_journals_it_exactly(
    people, monkeypatch, caplog
):
    """If customer_state gains something the batched prefetch does not know, the batch
    notices on its first customer and falls back to customer_state for everyone."""
    from caseledger.customers import services as customers_services

    customers, _ = _varied_customers(people)
    keys.key_add()
    original = customers_services.customer_state

    def grown(customer):
        return {**original(customer), "consents": [f"consent of {customer.pk}"]}

    monkeypatch.setattr(customers_services, "customer_state", grown)
    entries = Entry.objects.count()
    with caplog.at_level(logging.WARNING, logger="caseledger.customers.rotation"):
        result = vault_reencrypt_batch(actor=None, batch_size=100)
    assert result.exact_fallback
    assert "customer_state differs" in caplog.text
    for customer in Customer.objects.filter(pk__in=[c.pk for c in customers]):
        assert state_as_of("customer", str(customer.pk)) == grown(customer)
    assert Entry.objects.filter(seq__gt=entries).count() == 3


def test_batch_size_is_checked(people):
    for bad in (0, 5001):
        with pytest.raises(Exception, match="between 1 and 5000"):
            vault_reencrypt_batch(actor=None, batch_size=bad)


def test_only_an_administrator_may_rotate(people):
    from caseledger.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        vault_reencrypt_batch(actor=people.compliance)
