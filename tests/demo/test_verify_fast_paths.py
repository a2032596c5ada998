"""journal/verify.py's fast paths (SQLite json_array headers, two processes) report exactly
what the plain sequential walk reports, on an intact journal and on a tampered one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from caseledger.journal import verify
from caseledger.journal.verify import verify_chain
from tests.journal.tamper import sql, triggers_dropped

pytestmark = pytest.mark.django_db(transaction=True)


def reports(monkeypatch) -> list[dict]:
    """The same verification three ways: plain, fast single process, fast two processes."""
    found = []
    real_scan = verify._scan
    monkeypatch.setattr(verify, "_scan", lambda a, u, **o: verify._walk(a, u, fast=False, **o))
    monkeypatch.setattr(verify, "PARALLEL_MIN_ENTRIES", 10**12)
    found.append(verify_chain().as_dict())
    monkeypatch.setattr(verify, "_scan", real_scan)
    found.append(verify_chain().as_dict())
    monkeypatch.setattr(verify, "PARALLEL_MIN_ENTRIES", 0)
    assert verify._split_point() is not None  # the two-process path really runs
    found.append(verify_chain(parallel=True).as_dict())
    return found


@pytest.fixture
def demo_journal():
    call_command("demo", "--cases", "200", "--no-progress", stdout=StringIO())


def test_an_intact_journal_verifies_the_same_on_every_path(demo_journal, monkeypatch):
    plain, fast, parallel = reports(monkeypatch)
    assert plain["ok"] and plain["entries"] > 250
    assert fast == plain
    assert parallel == plain


def test_tampering_is_reported_the_same_on_every_path(demo_journal, monkeypatch):
    with triggers_dropped():
        sql("UPDATE journal_entry SET actor_name = 'mallory' WHERE seq = 30")
        sql("UPDATE journal_entry SET reason = %s WHERE seq = 31", ['quote " and \\ and \n'])
        sql("UPDATE journal_payload SET body = '{}' WHERE entry_id = 200")
        sql("UPDATE journal_payload SET body = NULL, redaction_ref = 'D-1' WHERE entry_id = 201")
        sql("DELETE FROM journal_payload WHERE entry_id = 202")
        sql("DELETE FROM journal_payload WHERE entry_id = 150")
        sql("DELETE FROM journal_entry WHERE seq = 150")
    if connection.vendor == "sqlite":
        with triggers_dropped():
            sql("UPDATE journal_entry SET at = '2024-01-01T00:00:00Z' WHERE seq = 40")

    plain, fast, parallel = reports(monkeypatch)

    assert not plain["ok"]
    kinds = {(p["seq"], p["kind"]) for p in plain["problems"]}
    assert {
        (30, "edited"),
        (31, "edited"),
        (151, "removed"),
        (200, "payload"),
        (201, "redaction"),
        (202, "payload"),
    } <= kinds
    assert plain["redactions"] == [{"seq": 201, "by": "D-1"}]
    assert fast == plain
    assert parallel == plain


def test_the_problem_limit_is_the_same_on_every_path(demo_journal, monkeypatch):
    with triggers_dropped():
        sql("UPDATE journal_entry SET actor_name = 'mallory' WHERE seq > 20")
    plain, fast, parallel = reports(monkeypatch)
    assert len(plain["problems"]) >= 20
    assert fast == plain
    assert parallel == plain
