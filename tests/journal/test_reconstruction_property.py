"""After any random workload, every record equals its reconstruction from the journal."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.cases.models import Case
from caseledger.cases.services import case_note_add, case_state, case_update
from caseledger.core import clock
from caseledger.core.errors import ValidationFailed
from caseledger.customers.models import Customer
from caseledger.customers.services import (
    contact_point_add,
    contact_point_remove,
    customer_state,
    customer_update,
)
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from tests.factories import make_case, make_customer

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip())

operations = st.one_of(
    st.tuples(st.just("new_customer"), text),
    st.tuples(st.just("new_case"), text),
    st.tuples(st.just("rename_customer"), text),
    st.tuples(st.just("tag_customer"), st.lists(st.sampled_from(["vip", "risk", "新"]))),
    st.tuples(st.just("add_phone"), st.integers(0, 99999999)),
    st.tuples(st.just("remove_contact"), st.just("")),
    st.tuples(
        st.just("case_field"),
        st.sampled_from(
            [
                ("priority", "urgent"),
                ("severity", "critical"),
                ("channel", "email"),
                ("subcategory", "refund"),
                ("satisfaction", 4),
                ("root_cause", "系统故障"),
            ]
        ),
    ),
    st.tuples(
        st.just("case_status"),
        st.sampled_from(["acknowledged", "investigating", "responded", "closed", "reopened"]),
    ),
    st.tuples(st.just("note"), text),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operations, min_size=1, max_size=25), pick=st.randoms())
def test_every_record_equals_its_journal_reconstruction(people, ops, pick):
    # Each example starts from the same database (only the personas): rolled back after,
    # so what hypothesis draws never depends on an earlier example.
    with transaction.atomic():
        _run_workload(people, ops, pick)
        transaction.set_rollback(True)


def _run_workload(people, ops, pick):
    actor = people.agent
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    customers = [make_customer(actor, people.sales)]
    cases: list = []
    for step, (op, arg) in enumerate(ops):
        # A refused write must leave no trace, which the check below proves.
        with clock.frozen(start + dt.timedelta(minutes=step)), suppress(ValidationFailed):
            _apply(op, arg, actor, people, customers, cases, pick)
    for case in Case.objects.all():
        assert state_as_of("case", case.pk) == case_state(case)
    for customer in Customer.objects.all():
        assert state_as_of("customer", customer.pk) == customer_state(customer)
    assert verify_chain().ok


def _apply(op, arg, actor, people, customers, cases, pick):
    if op == "new_customer":
        customers.append(make_customer(actor, people.sales, name=arg))
    elif op == "new_case":
        cases.append(make_case(actor, pick.choice(customers), subject=arg))
    elif op == "rename_customer":
        customer_update(actor=actor, customer=pick.choice(customers), data={"name": arg})
    elif op == "tag_customer":
        customer_update(actor=actor, customer=pick.choice(customers), data={"tags": arg})
    elif op == "add_phone":
        contact_point_add(
            actor=actor,
            customer=pick.choice(customers),
            data={"kind": "phone", "value": f"139{arg:08d}"},
        )
    elif op == "remove_contact":
        customer = pick.choice(customers)
        point = customer.contact_points.first()
        if point:
            contact_point_remove(actor=actor, point=point, reason="property test")
    elif cases and op == "case_field":
        field, value = arg
        case_update(actor=actor, case=pick.choice(cases), data={field: value})
    elif cases and op == "case_status":
        data = {"status": arg, "resolution": "resolved"} if arg == "closed" else {"status": arg}
        case_update(actor=actor, case=pick.choice(cases), data=data)
    elif cases and op == "note":
        case_note_add(actor=actor, case=pick.choice(cases), body=arg)
