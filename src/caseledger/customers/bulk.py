"""The column order of customers' and contact points' rows as bulk writers insert them
(`journal.bulk.insert_rows`): the demo loader and the spreadsheet import share it."""

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
    "value",
    "label",
    "is_primary",
    "verified_at",
    "created_at",
)
