"""Database triggers that make the journal append-only.

They stop an application bug or a careless operator. An administrator who drops them can
still rewrite history; `journal verify` and the signed checkpoints are what catch that.
Payloads may only change by redaction: body set to NULL with a redaction reference.
"""

from __future__ import annotations

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS journal_entry_no_update BEFORE UPDATE ON journal_entry
       BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS journal_entry_no_delete BEFORE DELETE ON journal_entry
       BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS journal_payload_no_delete BEFORE DELETE ON journal_payload
       BEGIN SELECT RAISE(ABORT, 'journal payloads are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS journal_payload_redact_only BEFORE UPDATE ON journal_payload
       WHEN NEW.body IS NOT NULL OR NEW.redaction_ref = '' OR NEW.entry_id <> OLD.entry_id
       BEGIN SELECT RAISE(ABORT, 'journal payloads may only be redacted'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS journal_entry_no_update",
    "DROP TRIGGER IF EXISTS journal_entry_no_delete",
    "DROP TRIGGER IF EXISTS journal_payload_no_delete",
    "DROP TRIGGER IF EXISTS journal_payload_redact_only",
]

POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION journal_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'journal entries are append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION journal_payload_redact_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'journal payloads are append-only'; END IF;
         IF NEW.body IS NOT NULL OR NEW.redaction_ref = '' OR NEW.entry_id <> OLD.entry_id THEN
           RAISE EXCEPTION 'journal payloads may only be redacted';
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry
       FOR EACH ROW EXECUTE FUNCTION journal_refuse_change()""",
    """CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON journal_entry
       FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change()""",
    """CREATE TRIGGER journal_payload_append_only BEFORE UPDATE OR DELETE ON journal_payload
       FOR EACH ROW EXECUTE FUNCTION journal_payload_redact_only()""",
    """CREATE TRIGGER journal_payload_no_truncate BEFORE TRUNCATE ON journal_payload
       FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS journal_entry_append_only ON journal_entry",
    "DROP TRIGGER IF EXISTS journal_entry_no_truncate ON journal_entry",
    "DROP TRIGGER IF EXISTS journal_payload_append_only ON journal_payload",
    "DROP TRIGGER IF EXISTS journal_payload_no_truncate ON journal_payload",
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
