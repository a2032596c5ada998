"""Departments and people as administrators manage them (accounts.services)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from caseledger.accounts.services import (
    department_create,
    department_deactivate,
    department_update,
    user_create,
    user_password_reset,
    user_update,
)
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.journal.queries import history


def test_a_department_is_renamed_and_the_journal_says_from_what(people):
    department_update(
        actor=people.admin, department=people.service, data={"name": "客服中心"}, reason="new"
    )

    [entry] = [
        e for e in history(f"department:{people.service.pk}") if e.action == "department.update"
    ]
    assert entry.changes["name"] == ["Service 客服部", "客服中心"]


def test_a_department_with_people_cannot_be_deactivated_until_they_move(people):
    with pytest.raises(ValidationFailed, match="active people still work in service: oscar"):
        department_deactivate(actor=people.admin, department=people.service, reason="closing")

    user_update(actor=people.admin, user=people.outsider, data={"department": people.sales})
    department_deactivate(actor=people.admin, department=people.service, reason="closing")

    people.service.refresh_from_db()
    assert people.service.is_active is False
    with pytest.raises(Conflict, match="already deactivated"):
        department_deactivate(actor=people.admin, department=people.service, reason="again")
    with pytest.raises(ValidationFailed, match="department service is deactivated"):
        user_create(
            actor=people.admin,
            username="newagent",
            password=None,
            roles=["agent"],
            department=people.service,
        )
    department_update(actor=people.admin, department=people.service, data={"is_active": True})
    people.service.refresh_from_db()
    assert people.service.is_active is True


def test_a_supervisor_of_two_departments_and_an_agent_in_one(people):
    both = user_create(
        actor=people.admin,
        username="sue",
        password=None,
        roles=["agent", "supervisor"],
        department=people.sales,
        supervised=[people.sales, people.service],
    )
    from caseledger.accounts.access import can
    from caseledger.accounts.permissions import Perm

    assert can(both, Perm.CASE_APPROVE, people.service.pk)
    assert can(both, Perm.CASE_APPROVE, people.sales.pk)
    assert sorted(both.supervised_departments.values_list("code", flat=True)) == [
        "sales",
        "service",
    ]


def test_only_administrators_manage_departments(people):
    for who in (people.agent, people.supervisor, people.compliance, people.auditor):
        with pytest.raises(PermissionDenied):
            department_create(actor=who, code="x", name="X")
        with pytest.raises(PermissionDenied):
            department_deactivate(actor=who, department=people.service, reason="r")
    assert department_create(actor=people.admin, code="claims", name="理赔 Claims").is_active


def test_a_password_reset_works_once_handed_over_and_never_reaches_the_journal(people):
    password = user_password_reset(actor=people.admin, user=people.agent, reason="forgot it")

    assert authenticate(username="alice", password=password) == people.agent
    assert authenticate(username="alice", password=people.password) is None
    [entry] = [e for e in history(f"user:{people.agent.pk}") if e.action == "user.password_reset"]
    assert password not in str(entry.state) and password not in str(entry.changes)
    with pytest.raises(PermissionDenied):
        user_password_reset(actor=people.supervisor, user=people.agent)


def test_the_last_administrator_cannot_lose_the_role(people):
    entries = Entry.objects.count()
    with pytest.raises(ValidationFailed, match="adam is the last active administrator"):
        user_update(actor=people.admin, user=people.admin, data={"roles": ["auditor"]})
    assert Entry.objects.count() == entries
    user_create(actor=people.admin, username="ada", password=None, roles=["administrator"])
    user_update(actor=people.admin, user=people.admin, data={"roles": ["auditor"]})


def test_an_agent_without_a_department_is_refused_on_edit(people):
    with pytest.raises(ValidationFailed, match="agents and supervisors belong to a department"):
        user_update(actor=people.admin, user=people.auditor, data={"roles": ["agent"]})
