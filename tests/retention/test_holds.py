"""Legal holds: who may place and release them, and that every write path of a held
record refuses with a message naming the matter, until the hold is released."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from caseledger.cases import services as cases
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.customers import services as customers
from caseledger.journal.models import Entry
from caseledger.retention.errors import Held
from caseledger.retention.holds import holds_for_case, holds_for_customer
from caseledger.retention.services import hold_place, hold_release
from tests.factories import make_case, make_customer


def place(people, **scope):
    return hold_place(
        actor=people.records_manager,
        matter="Matter 2026-017 (Zhang v. Shop)",
        reason="litigation expected",
        **scope,
    )


def test_records_manager_places_a_hold_on_named_cases_and_it_is_journaled(people, case):
    before = Entry.objects.count()
    hold = place(people, scope="cases", cases=[case.reference])
    assert [h.pk for h in holds_for_case(case)] == [hold.pk]
    entry = Entry.objects.order_by("-seq").first()
    assert Entry.objects.count() == before + 1
    assert entry.action == "hold.place" and entry.object_id == str(hold.pk)


@pytest.mark.parametrize("who", ["agent", "supervisor", "auditor", "admin"])
def test_only_records_managers_and_compliance_place_holds(people, case, who):
    with pytest.raises(PermissionDenied):
        hold_place(
            actor=getattr(people, who), matter="m", reason="r", scope="cases", cases=[case.pk]
        )
    hold_place(actor=people.compliance, matter="m", reason="r", scope="cases", cases=[case.pk])


def test_a_hold_names_its_matter_and_what_it_holds(people, case):
    with pytest.raises(ValidationFailed) as err:
        hold_place(actor=people.records_manager, matter="", reason="r", scope="cases")
    assert err.value.field == "matter"
    with pytest.raises(ValidationFailed) as err:
        hold_place(actor=people.records_manager, matter="m", reason="r", scope="cases")
    assert err.value.field == "cases"
    with pytest.raises(ValidationFailed) as err:
        hold_place(
            actor=people.records_manager, matter="m", reason="r", scope="cases", cases=[999999]
        )
    assert err.value.field == "cases" and "999999" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        hold_place(
            actor=people.records_manager,
            matter="m",
            reason="r",
            scope="filter",
            case_filter={"colour": "red"},
        )
    assert err.value.field == "filter"


def test_a_held_case_refuses_changes_and_attachments_but_takes_notes(people, case):
    place(people, scope="cases", cases=[case.pk])
    entries = Entry.objects.count()
    with pytest.raises(Held) as err:
        cases.case_update(actor=people.agent, case=case, data={"priority": "urgent"})
    assert "Matter 2026-017 (Zhang v. Shop)" in err.value.message
    assert err.value.field == "hold" and err.value.http_status == 409
    with pytest.raises(Held):
        cases.case_attachment_add(
            actor=people.agent, case=case, stream=io.BytesIO(b"%PDF-1.4"), filename="a.pdf"
        )
    assert Entry.objects.count() == entries
    case.refresh_from_db()
    assert case.priority == "normal"
    # Investigators may still add notes: a note adds to the record, it changes nothing in it.
    cases.case_note_add(actor=people.agent, case=case, body="called the lawyer")


def test_a_customer_hold_freezes_the_customer_and_all_their_cases(people, customer, case):
    place(people, scope="customers", customers=[customer.pk])
    later = make_case(people.agent, customer)  # recording new cases stays possible
    phone = customer.contact_points.order_by("id").first()
    refused = [
        lambda: customers.customer_update(
            actor=people.agent, customer=customer, data={"name": "X"}
        ),
        lambda: customers.contact_point_add(
            actor=people.agent, customer=customer, data={"kind": "email", "value": "n@e.com"}
        ),
        lambda: customers.contact_point_update(
            actor=people.agent, point=phone, data={"label": "work"}
        ),
        lambda: customers.contact_point_remove(actor=people.agent, point=phone, reason="old"),
        lambda: customers.identifier_add(
            actor=people.agent, customer=customer, kind="passport", value="E12345678"
        ),
        lambda: cases.case_update(actor=people.agent, case=case, data={"priority": "high"}),
        lambda: cases.case_update(actor=people.agent, case=later, data={"priority": "high"}),
    ]
    for call in refused:
        with pytest.raises(Held, match=r"Zhang v\. Shop"):
            call()
    assert customer.contact_points.count() == 2


def test_identifier_removal_is_refused_on_a_held_customer(people, customer):
    added = customers.identifier_add(
        actor=people.agent, customer=customer, kind="passport", value="E12345678"
    )
    place(people, scope="customers", customers=[customer.pk])
    with pytest.raises(Held):
        customers.identifier_remove(actor=people.agent, identifier=added.identifier, reason="x")


def test_a_filter_hold_also_holds_cases_recorded_after_it(people, customer):
    place(
        people,
        scope="filter",
        case_filter={
            "category": "product_quality",
            "received_from": (clock.now() - dt.timedelta(days=400)).date().isoformat(),
            "q": "kettle",
        },
    )
    held = make_case(
        people.agent, customer, category="product_quality", subcategory="", subject="Kettle leaks"
    )
    free = make_case(
        people.agent, customer, category="product_quality", subcategory="", subject="Toaster"
    )
    assert holds_for_case(held) and not holds_for_case(free)
    with pytest.raises(Held):
        cases.case_update(actor=people.agent, case=held, data={"priority": "high"})
    cases.case_update(actor=people.agent, case=free, data={"priority": "high"})
    assert not holds_for_customer(customer)  # a case filter holds cases, not the customer


def test_release_lifts_the_hold_and_is_journaled(people, customer, case):
    hold = place(people, scope="customers", customers=[customer.pk])
    with pytest.raises(ValidationFailed) as err:
        hold_release(actor=people.compliance, hold=hold, reason=" ")
    assert err.value.field == "reason"
    with pytest.raises(PermissionDenied):
        hold_release(actor=people.agent, hold=hold, reason="settled")
    hold_release(actor=people.compliance, hold=hold, reason="settled")
    assert Entry.objects.order_by("-seq").first().action == "hold.release"
    hold.refresh_from_db()
    assert hold.released_by == people.compliance and not hold.active
    cases.case_update(actor=people.agent, case=case, data={"priority": "high"})
    customers.customer_update(actor=people.agent, customer=customer, data={"name": "Free"})


def test_two_holds_are_both_named(people, case):
    place(people, scope="cases", cases=[case.pk])
    hold_place(
        actor=people.compliance,
        matter="Regulator inquiry 88",
        reason="r",
        scope="customers",
        customers=[case.customer_id],
    )
    with pytest.raises(Held) as err:
        cases.case_update(actor=people.agent, case=case, data={"priority": "high"})
    assert "Zhang v. Shop" in err.value.message and "Regulator inquiry 88" in err.value.message


def test_another_customer_is_not_held(people, customer):
    other = make_customer(people.agent, people.sales)
    place(people, scope="customers", customers=[customer.pk])
    customers.customer_update(actor=people.agent, customer=other, data={"name": "Other"})
