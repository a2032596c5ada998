"""core.insert.insert writes a new row in plain SQL: the stored row must be the one
`Model.objects.create()` stores from the same instance, column by column, on both engines
(aware times, JSON, nulls, foreign keys), and the instance must come back saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.insert import insert
from caseledger.customers.models import ContactPoint, Customer
from caseledger.customers.sealing import stored_contact


def _stored(model, pk) -> dict:
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [pk],
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


def _same_row(make, unique: dict | None = None) -> None:
    by_orm = type(make()).objects.create(**{**_kwargs(make()), **(unique or {})})
    mine = insert(make())
    assert mine.pk is not None and mine.pk != by_orm.pk
    assert not mine._state.adding and mine._state.db == by_orm._state.db
    expected, got = _stored(type(mine), by_orm.pk), _stored(type(mine), mine.pk)
    for name in unique or {}:
        expected.pop(name), got.pop(name)
    assert got == expected
    reread = type(mine).objects.get(pk=mine.pk)
    for f in type(mine)._meta.concrete_fields:
        assert getattr(reread, f.attname) == getattr(mine, f.attname), f.attname


def _kwargs(instance) -> dict:
    return {
        f.attname: getattr(instance, f.attname)
        for f in type(instance)._meta.concrete_fields
        if not f.primary_key
    }


@pytest.mark.django_db
def test_a_row_inserted_in_plain_sql_is_stored_as_the_orm_stores_it(people, customer):
    now = clock.now()
    _same_row(
        lambda: Customer(
            kind="person",
            name="王伟 Wang",
            department=people.sales,
            tags=["vip", "回访"],
            relationship_ended_on=dt.date(2026, 3, 1),
            created_at=now,
            updated_at=now,
        )
    )
    sealed = stored_contact({"kind": "phone", "value": "+8613812345678"}, customer.pk)
    _same_row(lambda: ContactPoint(customer=customer, created_at=now, **sealed))
    _same_row(
        lambda: Case(
            reference="CL-TEST-000001",
            kind="complaint",
            channel="phone",
            category="billing",
            department=people.sales,
            assignee=people.agent,
            customer=customer,
            subject="重复扣费",
            satisfaction=4,
            received_at=now - dt.timedelta(days=1),
            closed_at=None,
            created_at=now,
            updated_at=now,
        ),
        unique={"reference": "CL-TEST-000002"},
    )


@pytest.mark.django_db
def test_insert_refuses_a_row_that_is_saved_already(people, customer):
    with pytest.raises(AssertionError):
        insert(customer)
