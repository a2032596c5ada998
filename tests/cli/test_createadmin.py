"""`caseledger createadmin`: the first administrator, with a password shown once."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import authenticate
from django.core.management.base import CommandError

from caseledger.accounts.models import User
from caseledger.journal.queries import history
from tests.cli.helpers import run

pytestmark = pytest.mark.django_db


def test_creates_an_administrator_without_department_and_shows_a_working_password(caplog):
    caplog.set_level(logging.DEBUG)

    result = run("createadmin", "--username", "root")

    password = next(
        line.split(":", 1)[1].strip() for line in result.lines if line.startswith("Password:")
    )
    user = User.objects.get(username="root")
    assert user.roles == ["administrator"]
    assert user.department is None
    assert len(password) >= 20
    assert authenticate(username="root", password=password) == user
    assert password not in caplog.text  # shown to the operator, never logged
    assert password not in user.password  # stored as a hash only
    [created] = history(f"user:{user.pk}")
    assert (created.action, created.actor_name, created.via) == ("user.create", "system", "cli")
    assert password not in str(created.state)


def test_refuses_an_existing_username(people):
    with pytest.raises(CommandError, match="user 'adam' already exists"):
        run("createadmin", "--username", "adam")


def test_takes_the_password_from_the_environment_and_does_not_print_it(monkeypatch):
    monkeypatch.setenv("CASELEDGER_ADMIN_PASSWORD", "a long and private passphrase")

    result = run("createadmin", "--password-from-env", "--json")

    assert result.json() == {"username": "admin", "roles": ["administrator"]}
    assert "passphrase" not in result.out
    assert authenticate(username="admin", password="a long and private passphrase")


def test_password_from_env_needs_the_variable(monkeypatch):
    monkeypatch.delenv("CASELEDGER_ADMIN_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="CASELEDGER_ADMIN_PASSWORD is not set"):
        run("createadmin", "--password-from-env")
    assert not User.objects.exists()


def test_a_weak_password_from_the_environment_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("CASELEDGER_ADMIN_PASSWORD", "short")

    with pytest.raises(CommandError, match=r"password: .*too short"):
        run("createadmin", "--password-from-env")
    assert not User.objects.exists()
