"""Database triggers that keep certificates of disposition forever: no UPDATE, no DELETE.

Like the journal's (journal/triggers.py) they stop an application bug or a careless
operator; the JSON copy in the data directory's dispositions/ is the second witness.
"""

from __future__ import annotations

TABLE = "disposition_dispositioncertificate"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS disposition_certificate_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'certificates of disposition are kept forever'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS disposition_certificate_no_delete BEFORE DELETE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'certificates of disposition are kept forever'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS disposition_certificate_no_update",
    "DROP TRIGGER IF EXISTS disposition_certificate_no_delete",
]
POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION disposition_certificate_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'certificates of disposition are kept forever'; END $$
       LANGUAGE plpgsql""",
    f"""CREATE TRIGGER disposition_certificate_forever BEFORE UPDATE OR DELETE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION disposition_certificate_refuse()""",
    f"""CREATE TRIGGER disposition_certificate_no_truncate BEFORE TRUNCATE ON {TABLE}
       FOR EACH STATEMENT EXECUTE FUNCTION disposition_certificate_refuse()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS disposition_certificate_forever ON {TABLE}",
    f"DROP TRIGGER IF EXISTS disposition_certificate_no_truncate ON {TABLE}",
]


def create_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(vendor, [])


def drop_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, [])


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in create_statements(connection.vendor):
            cursor.execute(sql)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for sql in drop_statements(connection.vendor):
            cursor.execute(sql)
