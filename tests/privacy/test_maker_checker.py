"""Maker-checker for sensitive identifiers: entry, second-person review, confirmation."""

from __future__ import annotations

import pytest

from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.customers.models import Identifier
from caseledger.journal.models import Entry
from caseledger.privacy import services
from caseledger.privacy.models import ChangeStatus
from caseledger.privacy.queries import pending_changes

RESIDENT_ID = "11010519491231002X"


def propose(people, customer, **kw):
    return services.identifier_change_propose(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID, **kw
    )


def test_a_proposed_identifier_waits_masked_and_does_not_touch_the_customer(people, customer):
    version = customer.version
    change = propose(people, customer, reason="from the ID card copy")
    customer.refresh_from_db()
    assert customer.version == version
    assert not Identifier.objects.filter(customer=customer).exists()
    assert change.masked != RESIDENT_ID and change.masked.endswith("X")
    assert RESIDENT_ID not in change.ciphertext
    assert list(pending_changes(actor=people.supervisor, customer=customer)) == [change]
    entry = Entry.objects.filter(action="privacy.change_propose").get()
    assert RESIDENT_ID not in entry.payload.body


def test_a_second_person_confirms_and_both_names_are_journaled(people, customer):
    change = propose(people, customer)
    identifier = services.identifier_change_confirm(
        actor=people.supervisor, change=change, reason="checked against the ID card"
    )
    assert identifier.customer_id == customer.pk and identifier.masked == change.masked
    change.refresh_from_db()
    assert change.status == ChangeStatus.CONFIRMED and change.checker == people.supervisor
    added = Entry.objects.get(action="customer.identifier_add")
    assert added.actor_name == "alice" and "sam" in added.reason
    confirm = Entry.objects.get(action="privacy.change_confirm")
    assert confirm.actor_name == "sam" and '"maker":"alice"' in confirm.payload.body
    assert not pending_changes(actor=people.supervisor, customer=customer).exists()


def test_the_maker_may_not_approve_their_own_change(people, customer):
    change = propose(people, customer)
    with pytest.raises(PermissionDenied):
        services.identifier_change_confirm(actor=people.agent, change=change, reason="me")
    # Even with the approve permission: a supervisor's own entry needs someone else.
    own = services.identifier_change_propose(
        actor=people.supervisor, customer=customer, kind="passport", value="E12345678"
    )
    with pytest.raises(PermissionDenied, match="cannot review"):
        services.identifier_change_confirm(actor=people.supervisor, change=own, reason="ok")
    services.identifier_change_confirm(actor=people.compliance, change=own, reason="ok")


def test_a_rejection_keeps_the_old_value_and_needs_a_reason(people, customer):
    from caseledger.customers.services import identifier_add

    old = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    ).identifier
    change = services.identifier_change_propose(
        actor=people.agent, customer=customer, kind="passport", value="E12345678"
    )
    with pytest.raises(ValidationFailed) as err:
        services.identifier_change_reject(actor=people.supervisor, change=change, reason=" ")
    assert err.value.field == "reason"
    services.identifier_change_reject(
        actor=people.supervisor, change=change, reason="not what the passport says"
    )
    assert list(Identifier.objects.filter(customer=customer)) == [old]
    with pytest.raises(Conflict):
        services.identifier_change_confirm(actor=people.compliance, change=change, reason="x")


def test_a_confirmed_replacement_swaps_the_identifier(people, customer):
    from caseledger.customers.services import identifier_add

    old = identifier_add(
        actor=people.agent, customer=customer, kind="passport", value="E12345678"
    ).identifier
    change = services.identifier_change_propose(
        actor=people.agent, customer=customer, kind="passport", value="E87654321", replaces=old
    )
    new = services.identifier_change_confirm(
        actor=people.compliance, change=change, reason="new passport seen"
    )
    assert list(Identifier.objects.filter(customer=customer)) == [new]


def test_bad_values_and_outsiders_are_refused(people, customer):
    with pytest.raises(ValidationFailed) as err:
        services.identifier_change_propose(
            actor=people.agent, customer=customer, kind="resident_id", value="110105194912310021"
        )
    assert err.value.field == "value"
    with pytest.raises(PermissionDenied):
        services.identifier_change_propose(
            actor=people.outsider, customer=customer, kind="passport", value="E12345678"
        )
    change = propose(people, customer)
    with pytest.raises(PermissionDenied):
        services.identifier_change_confirm(actor=people.outsider, change=change, reason="x")
    with pytest.raises(PermissionDenied):
        services.identifier_change_confirm(actor=people.auditor, change=change, reason="x")


def test_which_kinds_need_review_is_configurable(settings):
    assert services.needs_review("bank_card")
    settings.REVIEWED_IDENTIFIER_KINDS = ["resident_id"]
    assert services.needs_review("resident_id") and not services.needs_review("bank_card")
    settings.REVIEWED_IDENTIFIER_KINDS = []
    assert not services.needs_review("resident_id")
