"""The column order of customers' and contact points' rows as bulk writers insert them
(`journal.bulk.insert_rows`): the demo loader and the spreadsheet import share it, and
`sealed_contact_row`, which turns a contact point as they build it (its value in plain)
into the row stored (its value sealed, customers.sealing)."""

from __future__ import annotations

from typing import Any

from caseledger.customers.sealing import sealed_contact
from caseledger.journal.bulk import encode
from caseledger.vault.keys import KeyRing

CUSTOMER_COLUMNS = (
    "id",
    "kind",
    "name",
    "department_id",
    "relationship_status",
    "relationship_ended_on",
    "tags",
    "created_at",
    "updated_at",
    "version",
    "restricted_at",
    "restricted_reason",
    "merged_into_id",
    "merged_at",
)
CONTACT_COLUMNS = (
    "id",
    "customer_id",
    "kind",
    "ciphertext",
    "key_id",
    "blind_index",
    "masked",
    "label",
    "is_primary",
    "verified_at",
    "created_at",
)


def sealed_contact_row(
    values: list[Any], encoded: list[str], ring: KeyRing
) -> tuple[list[Any], list[str]]:
    """(row values, JSON-encoded values) as the bulk writers build a contact point, in
    CONTACT_COLUMNS order but with its plain value where the four sealed columns go (id,
    customer_id, kind, value, label, is_primary, verified_at, created_at), the customer id
    filled in -> the row in CONTACT_COLUMNS order, the value sealed for that customer."""
    sealed = sealed_contact(values[2], values[3], values[1], ring)
    columns = [sealed["ciphertext"], sealed["key_id"], sealed["blind_index"], sealed["masked"]]
    return (
        [*values[:3], *columns, *values[4:]],
        [*encoded[:3], *map(encode, columns), *encoded[4:]],
    )
