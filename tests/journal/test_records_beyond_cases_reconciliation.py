"""An attacker with database access changes what decides who may do what, and what a
customer is reached by, without a journal entry: a role, a password hash, a supervised
department, a revoked token, a token's hash, a legal hold and what it holds, a phone number, an identifier's
ciphertext. `journal verify --records` rebuilds each from the journal and names the row.

Runs on whichever engine the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import hashlib

import pytest

from caseledger.accounts.services import token_create, token_revoke
from caseledger.customers.services import identifier_add
from caseledger.journal.reconcile import reconcile
from caseledger.retention.services import hold_place
from caseledger.workflow.services import user_deactivate
from tests.factories import make_case, make_customer
from tests.journal.tamper import sql

RESIDENT_ID = "11010519491231002X"
OTHER_RESIDENT_ID = "110101199003074477"


def _drifts() -> list[tuple[str, str, str]]:
    return [(d.record, d.kind, d.detail) for d in reconcile().drifts]


@pytest.fixture
def held(people, customer):
    case = make_case(people.agent, customer)
    hold = hold_place(
        actor=people.records_manager,
        matter="m-1",
        reason="litigation",
        scope="cases",
        cases=[case.pk],
    )
    return hold, case


def test_people_tokens_holds_and_customer_parts_written_through_the_services_agree(
    people, customer, held
):
    token, _secret = token_create(actor=None, user=people.agent, name="crm", scopes=["cases:read"])
    token_revoke(actor=people.agent, token=token)
    identifier_add(actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID)
    report = reconcile()
    assert report.ok, report.drifts
    assert report.checked["user"] == 7 and report.checked["token"] == 1
    assert report.checked["legal_hold"] == 1


def test_a_password_hash_swapped_in_the_database_is_named(people):
    """The attacker gives the administrator a password they know (a hash of their own)."""
    from django.contrib.auth.hashers import make_password

    sql(
        "UPDATE accounts_user SET password = %s WHERE id = %s",
        [make_password("known-to-the-attacker"), people.admin.pk],
    )
    assert _drifts() == [(f"user:{people.admin.pk}", "differs", "differs in password_check")]


def test_a_password_stored_again_at_sign_in_is_journaled_not_taken_for_a_swap(people, settings):
    from caseledger.accounts.models import User
    from caseledger.accounts.services import user_set_password
    from caseledger.journal.models import Entry

    user_set_password(actor=None, user=people.agent, password="an-agent-pass-2026")
    # An upgrade prefers another hasher: the next sign-in stores the password again.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = User.objects.get(pk=people.agent.pk)
    assert user.password.startswith("md5$")
    assert user.check_password("an-agent-pass-2026")
    assert User.objects.get(pk=user.pk).password.startswith("pbkdf2_sha256$")
    last = Entry.objects.filter(object_type="user", object_id=str(user.pk)).last()
    assert (last.action, last.actor_id) == ("user.password_rehash", user.pk)
    assert _drifts() == []


def test_a_role_granted_in_the_database_is_named(people):
    sql("UPDATE accounts_user SET roles = %s WHERE id = %s", ['["administrator"]', people.agent.pk])
    assert _drifts() == [(f"user:{people.agent.pk}", "differs", "differs in roles")]


def test_a_superuser_flag_set_in_the_database_is_named(people):
    sql("UPDATE accounts_user SET is_superuser = %s WHERE id = %s", [True, people.agent.pk])
    assert _drifts() == [(f"user:{people.agent.pk}", "differs", "differs in is_superuser")]


def test_a_supervised_department_added_in_the_database_is_named(people):
    sql(
        "INSERT INTO accounts_user_supervised_departments (user_id, department_id) VALUES (%s, %s)",
        [people.agent.pk, people.service.pk],
    )
    assert _drifts() == [
        (f"user:{people.agent.pk}", "differs", "differs in supervised_departments")
    ]


def test_a_revoked_token_brought_back_in_the_database_is_named(people):
    token, _secret = token_create(actor=None, user=people.agent, name="crm", scopes=["cases:read"])
    token_revoke(actor=people.agent, token=token)
    sql("UPDATE accounts_apitoken SET revoked_at = NULL WHERE id = %s", [token.pk])
    assert _drifts() == [(f"token:{token.pk}", "differs", "differs in revoked_at")]


def test_a_token_hash_swapped_in_the_database_is_named(people):
    token, _secret = token_create(actor=None, user=people.admin, name="ops", scopes=["cases:read"])
    known = hashlib.sha256(b"clt_the-attackers-own-secret").hexdigest()
    sql("UPDATE accounts_apitoken SET token_hash = %s WHERE id = %s", [known, token.pk])
    assert _drifts() == [(f"token:{token.pk}", "differs", "differs in token_check")]


def test_a_tokens_last_use_is_no_drift(people):
    token, _secret = token_create(actor=None, user=people.agent, name="crm", scopes=["cases:read"])
    sql("UPDATE accounts_apitoken SET last_used_at = created_at WHERE id = %s", [token.pk])
    assert _drifts() == []


def test_a_hold_released_in_the_database_is_named(held):
    hold, _case = held
    sql("UPDATE retention_legalhold SET released_at = placed_at WHERE id = %s", [hold.pk])
    assert _drifts() == [(f"legal_hold:{hold.pk}", "differs", "differs in released_at")]


def test_a_case_taken_out_of_a_hold_in_the_database_is_named(held):
    hold, _case = held
    sql("DELETE FROM retention_legalhold_cases WHERE legalhold_id = %s", [hold.pk])
    assert _drifts() == [(f"legal_hold:{hold.pk}", "differs", "differs in cases")]


def test_a_hold_reassigned_at_offboarding_still_agrees_and_is_in_the_holds_history(people, held):
    from caseledger.journal.queries import history

    hold, _case = held
    user_deactivate(
        actor=people.admin, user=people.records_manager, successor=people.compliance, reason="r"
    )
    assert reconcile().ok
    assert [e.action for e in history(f"legal_hold:{hold.pk}")] == ["hold.place", "hold.reassign"]


def test_a_phone_number_changed_in_the_database_is_named(people, customer):
    """The attacker cannot write a new sealed value without the key, but can copy another
    customer's phone (ciphertext, blind index and mask) over this one's."""
    other = make_customer(people.agent, people.sales)
    theirs = sql(
        "SELECT ciphertext, blind_index, masked FROM customers_contactpoint "
        "WHERE customer_id = %s AND kind = 'phone'",
        [other.pk],
    )[0]
    sql(
        "UPDATE customers_contactpoint SET ciphertext = %s, blind_index = %s, masked = %s "
        "WHERE customer_id = %s AND kind = 'phone'",
        [*theirs, customer.pk],
    )
    assert _drifts() == [(f"customer:{customer.pk}", "differs", "differs in contact_points")]


def test_identifier_ciphertexts_swapped_between_customers_are_named(people, customer):
    other = make_customer(people.agent, people.sales)
    mine = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    ).identifier
    theirs = identifier_add(
        actor=people.agent, customer=other, kind="resident_id", value=OTHER_RESIDENT_ID
    ).identifier
    rows = {
        pk: sql(
            "SELECT ciphertext, blind_index, masked FROM customers_identifier WHERE id = %s", [pk]
        )[0]
        for pk in (mine.pk, theirs.pk)
    }
    for pk, source in ((mine.pk, theirs.pk), (theirs.pk, mine.pk)):
        sql(
            "UPDATE customers_identifier SET ciphertext = %s, blind_index = %s, masked = %s "
            "WHERE id = %s",
            [*rows[source], pk],
        )
    assert sorted(_drifts()) == sorted(
        (f"customer:{c.pk}", "differs", "differs in identifiers") for c in (customer, other)
    )


def test_an_identifier_deleted_in_the_database_is_named(people, customer):
    identifier_add(actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID)
    sql("DELETE FROM customers_identifier WHERE customer_id = %s", [customer.pk])
    assert _drifts() == [(f"customer:{customer.pk}", "differs", "differs in identifiers")]


def test_a_person_inserted_without_journal_is_named(people):
    sql(
        "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, "
        "email, is_staff, is_active, date_joined, roles, must_change_password) "
        "SELECT password, is_superuser, 'mallory', first_name, last_name, email, is_staff, "
        "is_active, date_joined, roles, must_change_password FROM accounts_user WHERE id = %s",
        [people.admin.pk],
    )
    [(record, kind, _detail)] = _drifts()
    assert record.startswith("user:") and kind == "unjournaled"


def test_a_merge_and_its_undoing_through_the_services_still_agree(people, customer):
    from caseledger.customers.services import customer_merge, customer_unmerge

    duplicate = make_customer(
        people.agent,
        people.sales,
        contact_points=[{"kind": "email", "value": "dup@example.com"}],
    )
    identifier_add(actor=people.agent, customer=duplicate, kind="resident_id", value=RESIDENT_ID)
    customer_merge(actor=people.agent, survivor=customer, merged=duplicate, reason="same person")
    assert reconcile().ok, reconcile().drifts
    customer_unmerge(actor=people.agent, merged=duplicate, reason="not the same person")
    assert reconcile().ok, reconcile().drifts


def test_an_anonymized_customer_without_contact_points_still_agrees(people, customer):
    """The anonymization journals the customer's row alone, its parts deleted."""
    from caseledger.disposition import services as disp
    from tests.disposition.conftest import make_schedule, recompute

    schedule = make_schedule(people, "anonymize", record_kind="customer", code="cust-anon")
    recompute(people)
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.compliance, batch=batch)
    disp.disposition_execute(actor=people.compliance, batch=batch)
    assert not customer.contact_points.exists()
    assert _drifts() == []


def test_departments_visibility_and_rules_written_through_the_services_agree(people):
    from caseledger.accounts.services import department_update
    from caseledger.workflow.assign.rules import assign_rule_remove, assign_rule_set
    from caseledger.workflow.industries.services import template_adopt
    from caseledger.workflow.visibility.services import visibility_set

    department_update(actor=people.admin, department=people.service, data={"public_form": True})
    template_adopt(actor=people.admin, department=people.sales, industry="banking")
    visibility_set(actor=people.admin, role="agent", field="phone", scope="assigned")
    kept = assign_rule_set(
        actor=people.admin, data={"name": "all", "department": "sales", "strategy": "round_robin"}
    )
    gone = assign_rule_set(
        actor=people.admin, data={"name": "old", "department": "sales", "strategy": "least_open"}
    )
    assign_rule_remove(actor=people.admin, rule=gone)
    report = reconcile()
    assert report.ok, report.drifts
    assert report.checked["department"] == 2 and report.checked["field_visibility"] == 1
    assert report.checked["assignment_rule"] == 1 and kept.pk


def test_the_public_form_moved_to_another_department_in_the_database_is_named(people):
    sql("UPDATE accounts_department SET public_form = TRUE WHERE id = %s", [people.sales.pk])
    assert (f"department:{people.sales.pk}", "differs", "differs in public_form") in _drifts()


def test_full_phone_numbers_given_to_a_role_in_the_database_are_named(people):
    from caseledger.workflow.visibility.services import visibility_set

    row = visibility_set(actor=people.admin, role="agent", field="phone", scope="assigned")
    sql("UPDATE workflow_fieldvisibility SET scope = 'always' WHERE id = %s", [row.pk])
    assert (f"field_visibility:{row.pk}", "differs", "differs in scope") in _drifts()


def test_an_assignment_rule_inserted_or_changed_in_the_database_is_named(people):
    from caseledger.workflow.assign.rules import assign_rule_set

    rule = assign_rule_set(
        actor=people.admin, data={"name": "all", "department": "sales", "strategy": "round_robin"}
    )
    sql(
        "UPDATE workflow_assignmentrule SET department_id = %s WHERE id = %s",
        [people.service.pk, rule.pk],
    )
    sql(
        "INSERT INTO workflow_assignmentrule (name, position, department_id, category, channel,"
        " product_ref, strategy, is_active, updated_at)"
        " VALUES ('forged', 0, %s, '', '', '', 'round_robin', TRUE, %s)",
        [people.service.pk, "2026-01-01 00:00:00"],
    )
    drifts = _drifts()
    assert (f"assignment_rule:{rule.pk}", "differs", "differs in department_id") in drifts
    assert any(r.startswith("assignment_rule:") and k == "unjournaled" for r, k, _ in drifts)
