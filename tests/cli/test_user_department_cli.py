"""`caseledger user …` and `caseledger department …`."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management.base import CommandError

from caseledger.accounts.models import Department, User
from caseledger.cases.models import Case
from caseledger.journal.queries import history
from tests.cli.helpers import run
from tests.factories import make_case, make_customer

pytestmark = pytest.mark.django_db


def test_add_a_department_and_a_supervisor_of_two_departments(people):
    run("department", "add", "claims", "--name", "理赔 Claims", "--as", "adam")
    result = run(
        "user",
        "add",
        "sue",
        "--roles",
        "agent,supervisor",
        "--department",
        "claims",
        "--supervises",
        "claims,sales",
        "--as",
        "adam",
    )

    password = next(
        line.split(":", 1)[1].strip() for line in result.lines if line.startswith("Password:")
    )
    sue = User.objects.get(username="sue")
    assert authenticate(username="sue", password=password) == sue
    assert set(sue.supervised_departments.values_list("code", flat=True)) == {"claims", "sales"}
    [created] = history(f"user:{sue.pk}")
    assert (created.actor_name, created.via) == ("adam", "cli")
    listed = run("department", "list", "--json").json()
    assert {"code": "claims", "members": 1, "active": True}.items() <= next(
        r for r in listed if r["code"] == "claims"
    ).items()


def test_edit_and_list(people):
    run(
        "user",
        "edit",
        "alice",
        "--email",
        "alice@example.com",
        "--name",
        "Alice 王",
        "--reason",
        "hr",
    )

    rows = {r["username"]: r for r in run("user", "list", "--json").json()}
    assert rows["alice"]["name"] == "Alice 王"
    assert "alice" in run("user", "list").out


def test_deactivate_with_a_successor_moves_the_cases(people):
    run("user", "add", "bea", "--roles", "agent", "--department", "sales")
    customer = make_customer(people.agent, people.sales)
    case = make_case(people.agent, customer, assignee=people.agent.pk)

    result = run("user", "deactivate", "alice", "--successor", "bea", "--reason", "left")

    assert "case: 1 to bea, 0 to the queue" in result.out
    assert Case.objects.get(pk=case.pk).assignee.username == "bea"
    assert "inactive" in next(
        line for line in run("user", "list").lines if line.startswith("alice")
    )


def test_refusals_name_the_problem(people):
    with pytest.raises(CommandError, match="user nobody does not exist"):
        run("user", "deactivate", "nobody", "--reason", "x")
    with pytest.raises(CommandError, match="do not allow you to manage people"):
        run("user", "add", "x", "--roles", "auditor", "--as", "alice")
    with pytest.raises(CommandError, match="active people still work in service: oscar"):
        run("department", "deactivate", "service", "--reason", "closing")
    with pytest.raises(CommandError, match="department nope does not exist"):
        run("user", "add", "x", "--roles", "agent", "--department", "nope")
    assert not User.objects.filter(username="x").exists()


def test_password_reset_prints_a_working_password_once(people):
    result = run("user", "password", "alice", "--json")

    assert authenticate(username="alice", password=result.json()["password"]) == people.agent


def test_a_department_is_deactivated_and_reactivated(people):
    run("user", "edit", "oscar", "--department", "sales")
    run("department", "deactivate", "service", "--reason", "merged into sales")
    assert Department.objects.get(code="service").is_active is False
    run("department", "edit", "service", "--reactivate", "--reason", "split again")
    assert Department.objects.get(code="service").is_active is True


def test_the_public_form_is_opened_and_shown_from_the_command_line(people, settings):
    settings.INTAKE_FORM_DEPARTMENT = ""
    closed = run("department", "list", "--lang", "zh-Hans").out
    assert "代码" in closed and "CODE" not in closed and "公开投诉表单已关闭" in closed
    run("department", "edit", "service", "--public-form", "on", "--reason", "phones")
    listed = run("department", "list", "--lang", "en").out
    service = next(line for line in listed.splitlines() if line.startswith("service"))
    assert "(takes the public form)" in service
    assert {r["code"]: r["public_form"] for r in run("department", "list", "--json").json()} == {
        "sales": None,
        "service": True,
    }
