"""Restricted records (PIPL Art 47): compliance reads them, marked; for everyone else they
are gone from every list, refused by name when opened, and nobody changes them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseledger.cases.queries import case_get, case_list
from caseledger.cases.services import case_create, case_note_add, case_update
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.customers.queries import customer_get, customer_list
from caseledger.customers.services import customer_update
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.retention.models import RecordRetention
from caseledger.retention.restriction import Restricted
from caseledger.retention.services import (
    hold_place,
    record_restrict,
    record_unrestrict,
    retention_recompute,
    schedule_create,
)
from tests.factories import make_case, make_customer

REASON = "Anti-money-laundering law Art 19: keep 5 years after the relationship ends"


@pytest.fixture
def restricted_case(people, customer):
    case = make_case(people.agent, customer, subject="Restricted subject 受限")
    return record_restrict(actor=people.compliance, case=case, reason=REASON)


@pytest.fixture
def restricted_customer(people):
    customer = make_customer(people.agent, people.sales, name="Restricted Person 受限")
    case = make_case(people.agent, customer, subject="Case of a restricted customer")
    record_restrict(actor=people.records_manager, customer=customer, reason=REASON)
    customer.refresh_from_db()
    case.refresh_from_db()
    return customer, case


# ---- the services ---------------------------------------------------------------------------


def test_restricting_needs_retention_manage_and_a_reason(people, case):
    with pytest.raises(PermissionDenied):
        record_restrict(actor=people.agent, case=case, reason=REASON)
    with pytest.raises(PermissionDenied):
        record_restrict(actor=people.supervisor, case=case, reason=REASON)
    with pytest.raises(ValidationFailed) as err:
        record_restrict(actor=people.compliance, case=case, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(ValidationFailed) as err:
        record_restrict(actor=people.compliance, reason=REASON)
    assert err.value.field == "record"
    case.refresh_from_db()
    assert case.restricted_at is None
    assert not Entry.objects.filter(action="case.restrict").exists()


def test_restrict_and_lift_are_journaled_with_the_reason(people, case):
    record_restrict(actor=people.compliance, case=case, reason=REASON)
    with pytest.raises(Conflict, match="already restricted"):
        record_restrict(actor=people.compliance, case=case, reason=REASON)
    entry = Entry.objects.get(action="case.restrict")
    assert entry.actor_name == "carl" and entry.object_id == str(case.pk)
    lifted = record_unrestrict(actor=people.records_manager, case=case, reason="period ended")
    assert lifted.restricted_at is None and lifted.restricted_reason == ""
    assert Entry.objects.get(action="case.unrestrict").actor_name == "rita"
    with pytest.raises(Conflict, match="not restricted"):
        record_unrestrict(actor=people.records_manager, case=case, reason="again")


def test_restriction_is_allowed_under_a_legal_hold(people, case):
    hold_place(
        actor=people.records_manager, matter="M-9", reason="r", scope="cases", cases=[case.pk]
    )
    restricted = record_restrict(actor=people.compliance, case=case, reason=REASON)
    assert restricted.restricted_at is not None


def test_lists_leave_restricted_records_out_for_all_but_compliance(
    people, restricted_case, restricted_customer
):
    customer, customers_case = restricted_customer
    hidden = {restricted_case.pk, customers_case.pk}
    for user in (people.agent, people.supervisor, people.records_manager, people.auditor):
        assert not hidden & set(case_list(actor=user).values_list("pk", flat=True)), user
        assert customer.pk not in set(customer_list(actor=user).values_list("pk", flat=True))
        # search and work queues are filters of the same list
        assert not case_list(actor=user, filters={"q": "Restricted subject"}).exists()
        assert not case_list(actor=user, filters={"customer": customer.pk}).exists()
    seen = set(case_list(actor=people.compliance).values_list("pk", flat=True))
    assert hidden <= seen
    assert customer_list(actor=people.compliance).filter(pk=customer.pk).exists()


def test_opening_one_directly_is_refused_naming_the_restriction(
    people, restricted_case, restricted_customer
):
    customer, customers_case = restricted_customer
    with pytest.raises(Restricted) as err:
        case_get(actor=people.agent, case_id=restricted_case.reference)
    assert "restricted under PIPL Art 47" in err.value.message and REASON in err.value.message
    with pytest.raises(Restricted, match="customer"):
        customer_get(actor=people.supervisor, customer_id=customer.pk)
    with pytest.raises(Restricted, match=f"customer {customer.pk} is restricted"):
        case_get(actor=people.agent, case_id=customers_case.pk)
    assert case_get(actor=people.compliance, case_id=restricted_case.pk).pk == restricted_case.pk
    assert customer_get(actor=people.compliance, customer_id=customer.pk).pk == customer.pk


def test_nobody_changes_a_restricted_record_until_it_is_lifted(
    people, restricted_case, restricted_customer
):
    customer, customers_case = restricted_customer
    with pytest.raises(Restricted, match="cannot be changed"):
        case_update(actor=people.agent, case=restricted_case, data={"priority": "urgent"})
    with pytest.raises(Restricted):
        case_note_add(actor=people.agent, case=restricted_case, body="a note")
    with pytest.raises(Restricted):
        case_update(actor=people.agent, case=customers_case, data={"priority": "urgent"})
    with pytest.raises(Restricted):
        customer_update(actor=people.agent, customer=customer, data={"name": "Other"})
    with pytest.raises(ValidationFailed) as err:
        case_create(
            actor=people.agent,
            data={
                "kind": "inquiry",
                "channel": "email",
                "category": "other",
                "subject": "new processing",
                "department": "sales",
                "customer": customer.pk,
            },
        )
    assert err.value.field == "customer" and "PIPL Art 47" in err.value.message
    record_unrestrict(actor=people.compliance, customer=customer, reason="period ended")
    updated = customer_update(actor=people.agent, customer=customer, data={"name": "Other"})
    assert updated.name == "Other"


def test_the_lifecycle_state_says_restricted_until_the_period_ends(people, customer):
    schedule_create(
        actor=people.records_manager,
        data={
            "name": "Customer records",
            "record_kind": "customer",
            "period_years": 5,
            "triggers": ["created"],
            "action": "anonymize",
            "legal_source": "AML law Art 19",
        },
    )
    record_restrict(actor=people.compliance, customer=customer, reason=REASON)
    row = RecordRetention.objects.get(record_type="customer", record_id=customer.pk)
    assert row.state == "restricted"  # refreshed at once, not at the nightly recompute
    retention_recompute(actor=None)
    row.refresh_from_db()
    assert row.state == "restricted"
    import datetime as dt

    retention_recompute(actor=None, on=row.due_on + dt.timedelta(days=1))
    row.refresh_from_db()
    assert row.state == "due"


# ---- the interfaces -----------------------------------------------------------------------


def test_web_lists_hide_them_and_compliance_sees_them_marked(
    people, restricted_case, restricted_customer, login
):
    agent = login(people.agent)
    cases_page = agent.get(reverse("web:case_list")).content.decode()
    assert restricted_case.reference not in cases_page
    assert (
        "Restricted subject"
        not in agent.get(reverse("web:case_list"), {"q": "Restricted"}).content.decode()
    )
    # Names are masked on lists: look for the link to the customer's page instead.
    link = f'href="{reverse("web:customer_detail", args=[restricted_customer[0].pk])}"'
    assert link not in agent.get(reverse("web:customer_list")).content.decode()
    carl = login(people.compliance)
    page = carl.get(reverse("web:case_list")).content.decode()
    assert restricted_case.reference in page and 'class="badge restricted"' in page
    customers_page = carl.get(reverse("web:customer_list")).content.decode()
    assert link in customers_page and REASON in customers_page


def test_web_detail_is_403_naming_the_restriction_and_compliance_reads_it(
    people, restricted_case, restricted_customer, login
):
    customer, _case = restricted_customer
    agent = login(people.agent)
    refused = agent.get(reverse("web:case_detail", args=[restricted_case.pk]))
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "restricted under PIPL Art 47" in body and REASON in body
    assert agent.get(reverse("web:customer_detail", args=[customer.pk])).status_code == 403
    carl = login(people.compliance)
    shown = carl.get(reverse("web:case_detail", args=[restricted_case.pk]))
    assert shown.status_code == 200 and 'id="restricted-note"' in shown.content.decode()
    assert REASON in carl.get(reverse("web:customer_detail", args=[customer.pk])).content.decode()


def test_web_edit_of_a_restricted_case_is_refused_for_its_own_department(
    people, restricted_case, login
):
    response = login(people.supervisor).post(
        reverse("web:case_transition", args=[restricted_case.pk]),
        {"status": "acknowledged", "version": restricted_case.version},
    )
    assert response.status_code == 403
    restricted_case.refresh_from_db()
    assert restricted_case.status == "received"


def test_api_list_and_detail(people, restricted_case, restricted_customer, api_as):
    customer, customers_case = restricted_customer
    alice = api_as(people.agent)
    listed = {c["id"] for c in alice.get("/cases", {"limit": 100}).json()["items"]}
    assert restricted_case.pk not in listed and customers_case.pk not in listed
    customers = {c["id"] for c in alice.get("/customers", {"limit": 100}).json()["items"]}
    assert customer.pk not in customers
    refused = alice.get(f"/cases/{restricted_case.reference}")
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "restricted" and REASON in error["message"]
    assert alice.get(f"/customers/{customer.pk}").json()["error"]["code"] == "restricted"
    patched = alice.patch(f"/cases/{restricted_case.pk}", {"priority": "urgent"})
    assert patched.status_code == 403
    # No token scope carries restricted.view: even compliance reads them in the web UI only.
    carl = api_as(people.compliance, ["cases:read", "customers:read"])
    seen = {c["id"] for c in carl.get("/cases", {"limit": 100}).json()["items"]}
    assert not {restricted_case.pk, customers_case.pk} & seen
    assert carl.get(f"/cases/{restricted_case.pk}").json()["error"]["code"] == "restricted"


def test_csv_export_leaves_them_out(people, restricted_case, restricted_customer, login):
    _customer, customers_case = restricted_customer
    visible = make_case(people.agent, restricted_case.customer, subject="Visible one")
    body = b"".join(login(people.supervisor).get(reverse("web:case_export")).streaming_content)
    text = body.decode("utf-8-sig")
    assert visible.reference in text
    assert restricted_case.reference not in text and customers_case.reference not in text
    exported = Entry.objects.filter(action="case.export").get()
    ids = state_as_of("export", exported.object_id)["case_ids"]
    assert visible.pk in ids and restricted_case.pk not in ids
