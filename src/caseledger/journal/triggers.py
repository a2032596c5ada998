"""Database triggers that make the journal append-only.

They stop an application bug or a careless operator. An administrator who drops them can
still rewrite history; `journal verify` and the signed checkpoints are what catch that.
Payloads may only change by a provable redaction: body set to NULL, once, with the
reference `disposition <number>` of a certificate of disposition that exists, is certified
by a journal entry after the redacted one, and lists the record the entry belongs to as done
(journal/redactions.py checks the same, and more, in `journal verify`).
"""

from __future__ import annotations

from caseledger.core.db_triggers import Triggers

# A redaction's proof, as one query on each engine (NEW is the payload row being redacted):
# the certificate named by the reference, the entry that certifies it in the chain (after the
# redacted entry), and the record of the redacted entry among the certificate's done records
# (its items while the batch exists; its document for a certificate restored from its file).
_CERT = "disposition_dispositioncertificate"
_ITEM = "disposition_dispositionitem"
_CERTIFIED = """
  JOIN journal_entry k ON k.seq > NEW.entry_id AND (
       (k.object_type = 'disposition_batch' AND k.object_id = CAST(c.batch_id AS TEXT)
        AND k.action = 'disposition.certificate')
    OR (k.object_type = 'disposition_certificate' AND k.object_id = c.number
        AND k.action = 'disposition.certificate_restore'))"""
_SQLITE_PROOF = f"""
  SELECT 1 FROM {_CERT} c JOIN journal_entry r ON r.seq = NEW.entry_id {_CERTIFIED}
  WHERE NEW.redaction_ref LIKE 'disposition %' AND c.number = substr(NEW.redaction_ref, 13)
    AND CASE WHEN c.batch_id IS NOT NULL THEN EXISTS (
          SELECT 1 FROM {_ITEM} i WHERE i.batch_id = c.batch_id AND i.status = 'done'
            AND i.record_type = substr(r.root, 1, instr(r.root, ':') - 1)
            AND i.record_id = CAST(substr(r.root, instr(r.root, ':') + 1) AS INTEGER))
        ELSE EXISTS (
          SELECT 1 FROM json_each(c.document, '$.records') x
          WHERE json_extract(x.value, '$.status') = 'done'
            AND json_extract(x.value, '$.type') || ':' || json_extract(x.value, '$.id') = r.root)
        END"""
_POSTGRES_PROOF = f"""
  SELECT 1 FROM {_CERT} c JOIN journal_entry r ON r.seq = NEW.entry_id {_CERTIFIED}
  WHERE NEW.redaction_ref LIKE 'disposition %' AND c.number = substr(NEW.redaction_ref, 13)
    AND CASE WHEN c.batch_id IS NOT NULL THEN EXISTS (
          SELECT 1 FROM {_ITEM} i WHERE i.batch_id = c.batch_id AND i.status = 'done'
            AND i.record_type = split_part(r.root, ':', 1)
            AND i.record_id::text = split_part(r.root, ':', 2))
        ELSE EXISTS (
          SELECT 1 FROM jsonb_array_elements(c.document::jsonb -> 'records') x
          WHERE x ->> 'status' = 'done' AND (x ->> 'type') || ':' || (x ->> 'id') = r.root)
        END"""

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS journal_entry_no_update BEFORE UPDATE ON journal_entry
       BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS journal_entry_no_delete BEFORE DELETE ON journal_entry
       BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS journal_payload_no_delete BEFORE DELETE ON journal_payload
       BEGIN SELECT RAISE(ABORT, 'journal payloads are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS journal_payload_redact_only BEFORE UPDATE ON journal_payload
       WHEN NEW.body IS NOT NULL OR OLD.body IS NULL OR NEW.entry_id <> OLD.entry_id
         OR NOT EXISTS ({_SQLITE_PROOF})
       BEGIN SELECT RAISE(ABORT, 'journal payloads may only be redacted by a listing certificate');
       END""",
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
    f"""CREATE OR REPLACE FUNCTION journal_payload_redact_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'journal payloads are append-only'; END IF;
         IF NEW.body IS NOT NULL OR OLD.body IS NULL OR NEW.entry_id <> OLD.entry_id
            OR NOT EXISTS ({_POSTGRES_PROOF}) THEN
           RAISE EXCEPTION 'journal payloads may only be redacted by a listing certificate';
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


TRIGGERS = Triggers.of(SQLITE_CREATE, SQLITE_DROP, POSTGRES_CREATE, POSTGRES_DROP)
create_statements, drop_statements, install, remove = TRIGGERS.functions()
