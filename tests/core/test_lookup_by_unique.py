"""core.lookup.by_unique reads a row in plain SQL and builds the instance itself: every
field must come back as the ORM's own look-up gives it (aware datetimes, decoded JSON,
booleans, nulls, numbers), on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.accounts.models import ApiToken, Department, User
from caseledger.cases.models import Case
from caseledger.core.lookup import by_unique
from caseledger.customers.models import Customer


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def _same_as_the_orm(model, name: str, value) -> None:
    found = by_unique(model, name, value)
    expected = model.objects.get(**{name: value})
    assert found is not None
    assert _fields(found) == _fields(expected)
    for attname, got in _fields(found).items():
        assert type(got) is type(getattr(expected, attname)), attname
        if isinstance(got, dt.datetime):
            assert got.tzinfo is not None, attname
    assert not found._state.adding and found._state.db == expected._state.db


@pytest.mark.django_db
def test_a_row_read_by_unique_equals_the_orms_instance_field_for_field(people, case):
    from caseledger.accounts.services import token_create

    token, _secret = token_create(actor=None, user=people.agent, name="t", scopes=["cases:read"])
    _same_as_the_orm(ApiToken, "token_hash", token.token_hash)  # JSON scopes, datetimes, nulls
    _same_as_the_orm(User, "id", people.supervisor.pk)  # JSON roles, booleans
    _same_as_the_orm(Department, "code", "sales")
    _same_as_the_orm(Customer, "id", case.customer_id)
    _same_as_the_orm(Case, "id", case.pk)  # every case column, foreign keys as ids


@pytest.mark.django_db
def test_a_missing_row_or_a_value_the_column_cannot_hold_finds_nothing(people):
    assert by_unique(Department, "code", "nowhere") is None
    assert by_unique(User, "id", 2**63) is None  # beyond the column: nothing, not an error
    assert by_unique(User, "id", "not a number") is None


@pytest.mark.django_db
def test_a_numeric_string_is_prepared_as_the_orm_prepares_it(people):
    found = by_unique(User, "id", str(people.agent.pk))
    assert found is not None and found.pk == people.agent.pk


@pytest.mark.django_db
def test_rows_read_by_a_condition_come_back_in_its_order_as_the_orms(people):
    from caseledger.core.lookup import where

    found = where(User, "is_active = %s ORDER BY username DESC", [True])
    expected = list(User.objects.filter(is_active=True).order_by("-username"))
    assert [_fields(u) for u in found] == [_fields(u) for u in expected]
    assert where(User, "username = %s", ["nobody"]) == []
