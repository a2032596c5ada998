"""The journal is append-only in the database, and `verify` catches what gets past that.

Runs on whichever engine the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from caseledger.cases.services import case_update
from caseledger.journal.services import checkpoint_create
from caseledger.journal.verify import verify_chain
from tests.factories import make_case
from tests.journal.tamper import rechain_from, rows_from, sql, triggers_dropped


@pytest.fixture
def journal(people, customer):
    """A journal of a dozen or so entries, the last ones about one case."""
    case = make_case(people.agent, customer)
    for priority in ("high", "urgent", "low"):
        case_update(actor=people.agent, case=case, data={"priority": priority})
    head = sql("SELECT MAX(seq) FROM journal_entry")[0][0]
    assert verify_chain().ok
    return head


def test_an_intact_journal_verifies(journal):
    report = verify_chain()
    assert report.ok and report.entries == journal and report.head_seq == journal


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal_entry SET reason = 'nothing to see' WHERE seq = 3",
        "DELETE FROM journal_entry WHERE seq = 3",
        "UPDATE journal_payload SET body = '{}' WHERE entry_id = 3",
        "DELETE FROM journal_payload WHERE entry_id = 3",
    ],
)
def test_the_database_refuses_changes_to_the_journal(journal, statement):
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(statement)
    assert verify_chain().ok


def test_a_redaction_without_a_certificate_is_refused_too(journal):
    # Redactions come only with a certificate of disposition that lists the record
    # (tests/journal/test_provable_redactions.py has the allowed one).
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(
            "UPDATE journal_payload SET body = NULL, redaction_ref = 'disposition:1', "
            "redacted_at = %s WHERE entry_id = 3",
            ["2026-01-01 00:00:00"],
        )
    assert verify_chain().ok


def test_an_edited_entry_is_named(journal):
    with triggers_dropped():
        sql("UPDATE journal_entry SET reason = 'nothing to see' WHERE seq = 3")
    report = verify_chain()
    assert not report.ok
    assert (report.first_problem.seq, report.first_problem.kind) == (3, "edited")


def test_an_edited_payload_is_named(journal):
    with triggers_dropped():
        sql(
            "UPDATE journal_payload SET body = REPLACE(body, 'urgent', 'low') WHERE entry_id = %s",
            [journal - 1],
        )
    report = verify_chain()
    assert (report.first_problem.seq, report.first_problem.kind) == (journal - 1, "payload")


def test_a_removed_entry_is_named(journal):
    with triggers_dropped():
        sql("DELETE FROM journal_payload WHERE entry_id = 4")
        sql("DELETE FROM journal_entry WHERE seq = 4")
    report = verify_chain()
    assert (report.first_problem.seq, report.first_problem.kind) == (5, "removed")


def test_an_inserted_entry_is_named(journal):
    """A forged entry slipped in at #4: later entries renumbered, the forgery well hashed."""
    with triggers_dropped():
        for seq, *_rest in reversed(rows_from(4)):
            sql("UPDATE journal_payload SET entry_id = %s WHERE entry_id = %s", [seq + 1, seq])
            sql("UPDATE journal_entry SET seq = %s WHERE seq = %s", [seq + 1, seq])
        prev = sql("SELECT hash FROM journal_entry WHERE seq = 3")[0][0]
        sql(
            "INSERT INTO journal_entry (seq, at, actor_id, actor_name, via, action, "
            "object_type, object_id, root, reason, payload_hash, prev_hash, hash) "
            "SELECT 4, at, actor_id, 'mallory', via, 'case.update', object_type, object_id, "
            "root, '', payload_hash, %s, %s FROM journal_entry WHERE seq = 3",
            [prev, "f" * 64],
        )
        sql(
            "INSERT INTO journal_payload (entry_id, body, redaction_ref) "
            "SELECT 4, body, '' FROM journal_payload WHERE entry_id = 3"
        )
    report = verify_chain()
    assert not report.ok
    assert report.first_problem.seq == 4
    assert report.first_problem.kind in {"edited", "inserted"}
    # Even had the forger hashed #4 correctly, #5 would still point at the real #3.
    assert any(p.seq == 5 and p.kind == "inserted" for p in report.problems)


def test_a_rewritten_history_with_recomputed_hashes_is_caught_by_a_checkpoint(journal):
    checkpoint_create()
    with triggers_dropped():
        sql("UPDATE journal_entry SET reason = 'rewritten' WHERE seq = 2")
        rechain_from(2)
    report = verify_chain()
    assert not report.ok
    kinds = {p.kind for p in report.problems}
    assert kinds == {"rewritten"}, report.problems
    assert report.first_problem.seq == journal


def test_without_a_checkpoint_a_careful_rewrite_goes_unseen(journal):
    """Why checkpoints exist: the chain alone verifies after a full recompute."""
    with triggers_dropped():
        sql("UPDATE journal_entry SET reason = 'rewritten' WHERE seq = 2")
        rechain_from(2)
    assert verify_chain().ok


def test_a_cut_tail_is_caught_by_a_checkpoint(journal):
    checkpoint_create()
    with triggers_dropped():
        sql("DELETE FROM journal_payload WHERE entry_id >= %s", [journal - 1])
        sql("DELETE FROM journal_entry WHERE seq >= %s", [journal - 1])
        rechain_from(journal - 2)  # and the head made to agree
    report = verify_chain()
    assert not report.ok
    assert report.first_problem.kind == "truncated"
    assert f"journal ends at #{journal - 2}" in report.first_problem.detail


def test_a_cut_tail_without_fixing_the_head_is_caught_by_the_head(journal):
    with triggers_dropped():
        sql("DELETE FROM journal_payload WHERE entry_id = %s", [journal])
        sql("DELETE FROM journal_entry WHERE seq = %s", [journal])
    report = verify_chain()
    assert report.first_problem.kind == "truncated"


def test_a_forged_checkpoint_is_refused(journal, settings):
    checkpoint_create()
    log = settings.JOURNAL_CHECKPOINT_LOG
    text = log.read_text()
    log.write_text(text.replace('"seq":', '"seq":1', 1))
    report = verify_chain()
    assert report.first_problem.kind == "signature"


def test_the_signing_key_is_private(journal, settings):
    checkpoint_create()
    assert settings.JOURNAL_SIGNING_KEY_FILE.stat().st_mode & 0o777 == 0o600
