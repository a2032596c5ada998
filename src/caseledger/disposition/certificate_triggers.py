"""Database triggers on the certificates table: they keep certificates of disposition
forever (no UPDATE, no DELETE). Named for the table they guard; not a retention `Trigger`
(an event that starts a retention clock).

Like the journal's (journal/triggers.py) they stop an application bug or a careless
operator; the JSON copy in the data directory's dispositions/ is the second witness.
"""

from __future__ import annotations

from caseledger.core.db_triggers import Triggers

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


TRIGGERS = Triggers.of(SQLITE_CREATE, SQLITE_DROP, POSTGRES_CREATE, POSTGRES_DROP)
create_statements, drop_statements, install, remove = TRIGGERS.functions()
