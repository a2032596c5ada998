"""Deduplication: which rows of a chunk are already there (an external id imported
before, a customer known by external id or phone) and which customer each case goes to.

Rows of earlier chunks of this run are in `Seen`; rows committed before (another import,
or this batch before a crash) are found in the database, one query per kind per chunk.
Phones compare in E.164 against the contact points of the batch's department (the
index on kind and blind index), oldest customer first and followed to a merge survivor, as
`intake_record` matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from caseledger.customers.models import ContactKind, ContactPoint, Customer
from caseledger.customers.sealing import contact_index
from caseledger.intake.spreadsheet.models import ExternalRef
from caseledger.vault import keys

NEW = -1  # a customer this run creates, before it has an id (dry run)


@dataclass
class Seen:
    cases: dict[str, int] = field(default_factory=dict)  # external id -> case id (or NEW)
    customers: dict[str, int] = field(default_factory=dict)  # external id -> customer id
    phones: dict[str, int] = field(default_factory=dict)  # E.164 -> customer id


@dataclass(frozen=True)
class Known:
    customer_id: int
    restricted: bool


def external_ids(department_id: int, object_type: str, wanted: Iterable[str]) -> dict[str, int]:
    """Raw SQL: the ORM's IN-list building costs more than the query for 5000 ids."""
    keys = sorted(set(wanted))
    table = connection.ops.quote_name(ExternalRef._meta.db_table)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 900):  # SQLite's limit on bound parameters
            part = keys[start : start + 900]
            cursor.execute(
                f"SELECT external_id, object_id FROM {table} WHERE department_id = %s "
                f"AND object_type = %s AND external_id IN ({', '.join(['%s'] * len(part))})",
                [department_id, object_type, *part],
            )
            found.update(cursor.fetchall())
    return found


def customers_by_phone(department_id: int, phones: Iterable[str]) -> dict[str, int]:
    """E.164 phone -> the oldest customer of the department holding it (by blind index)."""
    ring = keys.load()
    by_index = {contact_index(ContactKind.PHONE, p, ring): p for p in set(phones)}
    wanted = sorted(by_index)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 900):
        rows = (
            ContactPoint.objects.filter(
                kind=ContactKind.PHONE,
                blind_index__in=wanted[start : start + 900],
                customer__department_id=department_id,
            )
            .order_by("customer_id")
            .values_list("blind_index", "customer_id", "customer__merged_into_id")
        )
        for index, customer_id, survivor in rows:
            found.setdefault(by_index[index], survivor or customer_id)
    return found


def restricted_among(ids: Iterable[int]) -> set[int]:
    wanted = sorted({i for i in ids if i > 0})
    found: set[int] = set()
    for start in range(0, len(wanted), 900):
        found.update(
            Customer.objects.filter(
                pk__in=wanted[start : start + 900], restricted_at__isnull=False
            ).values_list("pk", flat=True)
        )
    return found
