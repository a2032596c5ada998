"""The SQLite walk (chunks of entries with their payloads, a loop that only proves entries
intact and hands everything else to the full judgement) and the worker processes (many
ranges shared out as workers come free) report exactly what the plain sequential walk
reports: on an intact journal, on tampering that lands on chunk and range boundaries, and on
forgeries aimed at the gap between SQLite's JSON and the canonical encoding."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from caseledger.journal import verify
from caseledger.journal.services import checkpoint_create
from caseledger.journal.verify import verify_chain
from tests.journal.tamper import rechain_from, sql, triggers_dropped

pytestmark = pytest.mark.django_db(transaction=True)

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the fast path and these forgeries are SQLite's"
)


@pytest.fixture
def demo_journal():
    call_command("demo", "--cases", "120", "--no-progress", stdout=StringIO())
    return sql("SELECT MAX(seq) FROM journal_entry")[0][0]


def three_ways(monkeypatch) -> tuple[dict, dict, dict]:
    """The same verification as the plain walk, the SQLite walk in chunks of 7, and worker
    processes over ranges of 13 entries (far more ranges than workers)."""
    real_scan = verify._scan
    monkeypatch.setattr(verify, "_scan", lambda a, u, **o: verify._walk(a, u, fast=False, **o))
    monkeypatch.setattr(verify, "PARALLEL_MIN_ENTRIES", 10**12)
    plain = verify_chain().as_dict()
    monkeypatch.setattr(verify, "_scan", real_scan)
    monkeypatch.setattr(verify, "_CHUNK", 7)
    fast = verify_chain().as_dict()
    monkeypatch.setattr(verify, "PARALLEL_MIN_ENTRIES", 0)
    monkeypatch.setattr(verify, "RANGE_ENTRIES", 13)
    monkeypatch.setattr(verify, "_workers", lambda: 2)
    ranges = verify._split_point()
    assert ranges is not None and len(ranges) > 10  # the worker processes really run
    parallel = verify_chain(parallel=True).as_dict()
    return plain, fast, parallel


def test_the_ranges_cover_every_seq_once(demo_journal, monkeypatch):
    monkeypatch.setattr(verify, "PARALLEL_MIN_ENTRIES", 0)
    monkeypatch.setattr(verify, "RANGE_ENTRIES", 13)
    monkeypatch.setattr(verify, "_workers", lambda: 2)
    ranges = verify._split_point()
    assert ranges[0][0] == 0 and ranges[-1][1] > demo_journal
    assert all(a[1] == b[0] and a[0] < a[1] for a, b in itertools.pairwise(ranges))


def test_an_intact_journal_with_a_checkpoint_verifies_the_same_every_way(demo_journal, monkeypatch):
    checkpoint_create()
    plain, fast, parallel = three_ways(monkeypatch)
    assert plain["ok"] and plain["entries"] == demo_journal
    assert plain["checkpoints_checked"] >= 1
    assert fast == plain
    assert parallel == plain


def test_tampering_on_chunk_and_range_boundaries_is_reported_the_same(demo_journal, monkeypatch):
    with triggers_dropped():
        for seq in (7, 8, 13, 14, 27):  # ends and starts of chunks (7) and ranges (13)
            sql("UPDATE journal_entry SET reason = 'x' WHERE seq = %s", [seq])
        sql("UPDATE journal_payload SET body = '{}' WHERE entry_id = 26")
        sql("UPDATE journal_payload SET body = NULL, redaction_ref = 'D-9' WHERE entry_id = 39")
        sql("DELETE FROM journal_payload WHERE entry_id IN (64, 65)")
        sql("DELETE FROM journal_entry WHERE seq IN (64, 65)")
        sql("DELETE FROM journal_payload WHERE entry_id = 91")
    plain, fast, parallel = three_ways(monkeypatch)
    kinds = {(p["seq"], p["kind"]) for p in plain["problems"]}
    assert {(7, "edited"), (14, "edited"), (26, "payload"), (66, "removed")} <= kinds
    assert (91, "payload") in kinds
    assert (39, "redaction") in kinds  # names no certificate
    assert plain["redactions"] == [{"seq": 39, "by": "D-9"}]
    assert fast == plain
    assert parallel == plain


def test_a_careful_rewrite_is_caught_by_the_checkpoint_the_same_every_way(
    demo_journal, monkeypatch
):
    checkpoint_create()
    with triggers_dropped():
        sql("UPDATE journal_entry SET reason = 'rewritten' WHERE seq = 30")
        rechain_from(30)
    plain, fast, parallel = three_ways(monkeypatch)
    assert {p["kind"] for p in plain["problems"]} == {"rewritten"}
    assert fast == plain
    assert parallel == plain


def test_the_problem_limit_is_the_same_over_many_ranges(demo_journal, monkeypatch):
    with triggers_dropped():
        sql("UPDATE journal_entry SET actor_name = 'mallory' WHERE seq > 50")
    plain, fast, parallel = three_ways(monkeypatch)
    assert len(plain["problems"]) == 20
    assert fast == plain
    assert parallel == plain


def test_a_header_with_non_ascii_text_still_verifies(demo_journal, monkeypatch):
    """Not provable by the loop's ASCII test, proven by the full judgement instead. (Only the
    demo's signed checkpoint objects to the re-chained history after it.)"""
    with triggers_dropped():
        sql("UPDATE journal_entry SET actor_name = 'Zoë Ünal 张伟' WHERE seq = 33")
        rechain_from(33)
    plain, fast, parallel = three_ways(monkeypatch)
    assert {p["kind"] for p in plain["problems"]} == {"rewritten"}
    assert fast == plain
    assert parallel == plain


def _sqlite_form_hash(seq: int) -> str:
    """What a forger gets hashing the header the way the SQLite fast path builds it."""
    (text,) = sql(
        "SELECT prev_hash || json_array(seq, substr(at, 1, 10) || 'T' || substr(at, 12) || 'Z', "
        "actor_id, actor_name, via, action, object_type, object_id, root, reason, payload_hash) "
        "FROM journal_entry WHERE seq = %s",
        [seq],
    )[0]
    return hashlib.sha256(text.encode()).hexdigest()


@sqlite_only
def test_a_time_spelled_another_way_is_not_trusted_from_sqlite_json(demo_journal, monkeypatch):
    """Python reads '…31,521849' and a week date '2026-W47-7 …' as the same time as the
    stored form, but the JSON SQLite would build from them is other bytes: a hash made over
    those bytes must not pass, on any path."""
    forged = {}
    for seq, spell in ((40, "comma"), (60, "week")):
        (at,) = sql("SELECT at FROM journal_entry WHERE seq = %s", [seq])[0]
        text = at if isinstance(at, str) else at.strftime("%Y-%m-%d %H:%M:%S.%f")
        if spell == "comma":
            text = text.replace(".", ",")
        else:
            year, week, day = dt.date.fromisoformat(text[:10]).isocalendar()
            text = f"{year}-W{week:02d}-{day}{text[10:]}"
        assert len(text) == 26 and text[10] == " "  # what the old fast path let through
        with triggers_dropped():
            sql("UPDATE journal_entry SET at = %s WHERE seq = %s", [text, seq])
            forged[seq] = _sqlite_form_hash(seq)
            sql("UPDATE journal_entry SET hash = %s WHERE seq = %s", [forged[seq], seq])
            sql("UPDATE journal_entry SET prev_hash = %s WHERE seq = %s", [forged[seq], seq + 1])
    plain, fast, parallel = three_ways(monkeypatch)
    kinds = {(p["seq"], p["kind"]) for p in plain["problems"]}
    assert {(40, "edited"), (60, "edited")} <= kinds
    assert fast == plain
    assert parallel == plain


@sqlite_only
def test_a_missing_and_a_stray_payload_in_one_chunk(demo_journal, monkeypatch):
    """As many payload rows as entries in the chunk, but not the same ones: each entry must
    still be judged with its own payload."""
    with triggers_dropped():
        sql("PRAGMA foreign_keys = OFF")
        try:
            sql("DELETE FROM journal_entry WHERE seq = 52")  # its payload stays, a stray
            sql("DELETE FROM journal_payload WHERE entry_id = 55")
        finally:
            sql("PRAGMA foreign_keys = ON")
    plain, fast, parallel = three_ways(monkeypatch)
    kinds = {(p["seq"], p["kind"]) for p in plain["problems"]}
    assert {(53, "removed"), (55, "payload")} <= kinds
    assert fast == plain
    assert parallel == plain
