"""Attacks on the checkpoint log by someone who holds the data directory and the database:
delete it (and the key), empty it, garble it, cut its last line along with the newest
entries, rewrite the whole chain. `caseledger journal verify` must fail naming the reason;
the copies at the backup destinations, made as each checkpoint is signed, are what an
attacker of the data directory cannot reach.

Runs on whichever engine the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from caseledger.cases.services import case_update
from caseledger.core import clock
from caseledger.journal import checkpoints
from caseledger.journal.services import checkpoint_create
from tests.cli.helpers import run
from tests.factories import make_case
from tests.journal.tamper import rechain_from, sql, triggers_dropped

LATER = dt.timedelta(minutes=45)  # past CASELEDGER_CHECKPOINT_MAX_AGE_MINUTES (30)


def _copies(tmp_path: Path) -> list[Path]:
    return [tmp_path / "backups" / name / "checkpoints.jsonl" for name in ("primary", "secondary")]


@pytest.fixture
def signed(people, customer):
    """A journal checkpointed twice, its newest entries after the first checkpoint."""
    case = make_case(people.agent, customer)
    checkpoint_create()
    for priority in ("high", "urgent", "low", "high", "urgent", "low"):
        case_update(actor=people.agent, case=case, data={"priority": priority})
    checkpoint_create()
    return sql("SELECT MAX(seq) FROM journal_entry")[0][0]


def _fails(*args: str) -> str:
    """Verify must exit 1; what it printed (every problem) and why it stopped."""
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("journal", "verify", *args, stdout=out, stderr=io.StringIO())
    assert raised.value.returncode == 1
    return f"{raised.value}\n{out.getvalue()}"


def _cut_newest(n: int) -> None:
    """Remove the newest n entries and fix the chain head to the new tail."""
    head = sql("SELECT MAX(seq) FROM journal_entry")[0][0]
    with triggers_dropped():
        sql("DELETE FROM journal_payload WHERE entry_id > %s", [head - n])
        sql("DELETE FROM journal_entry WHERE seq > %s", [head - n])
        tail = sql("SELECT seq, hash FROM journal_entry ORDER BY seq DESC LIMIT 1")[0]
        sql("UPDATE journal_chainhead SET seq = %s, hash = %s WHERE id = 1", list(tail))


def _drop_last_line(path: Path) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))


def test_each_checkpoint_is_copied_to_every_backup_destination_as_it_is_signed(signed, tmp_path):
    local = checkpoints.log_path().read_text()
    assert len(local.splitlines()) == 2
    for copy in _copies(tmp_path):
        assert copy.read_text() == local
    assert run("journal", "verify").out  # intact, with its copies


def test_a_deleted_checkpoint_log_fails_verify(signed):
    checkpoints.log_path().unlink()
    message = _fails("--no-copies")
    assert "checkpoints:" in message and "is missing, yet a checkpoint was signed" in message


def test_a_deleted_log_and_key_fail_verify_by_the_copies_at_the_destinations(signed):
    checkpoints.log_path().unlink()
    Path(settings.JOURNAL_SIGNING_KEY_FILE).unlink()
    checkpoints.public_key_path().unlink()  # the attacker removes the public key too
    message = _fails()
    assert "is missing, yet a checkpoint was signed" in message


def test_a_deleted_log_and_key_fail_verify_offline_once_the_journal_is_older_than_the_limit(
    signed,
):
    checkpoints.log_path().unlink()
    Path(settings.JOURNAL_SIGNING_KEY_FILE).unlink()
    checkpoints.public_key_path().unlink()
    with clock.frozen(clock.now() + LATER):
        message = _fails("--no-copies")
    assert "is missing and there is no signing key" in message


def test_an_emptied_checkpoint_log_fails_verify(signed):
    checkpoints.log_path().write_text("")
    assert "is empty, yet a checkpoint was signed" in _fails("--no-copies")


def test_a_garbled_checkpoint_log_fails_verify_naming_the_line(signed):
    path = checkpoints.log_path()
    path.write_text(path.read_text() + '{"seq": 3, "hash": \n')
    message = _fails("--no-copies")
    assert f"{path}:3: not a checkpoint" in message and "garbled" in message


def test_a_garbled_copy_at_a_destination_fails_verify(signed, tmp_path):
    copy = _copies(tmp_path)[1]
    copy.write_text("not json at all\n" + copy.read_text())
    assert "secondary" in _fails() and "garbled" in _fails()


def test_cutting_the_newest_entries_and_the_last_log_line_is_caught_by_a_copy(signed):
    _cut_newest(5)
    _drop_last_line(checkpoints.log_path())
    message = _fails()
    assert "truncated" in message and "primary (" in message and "secondary (" in message


def test_cutting_the_newest_entries_and_the_last_log_line_is_caught_offline_as_stale(signed):
    _cut_newest(5)
    _drop_last_line(checkpoints.log_path())
    with clock.frozen(clock.now() + LATER):
        message = _fails("--no-copies")
    assert "checkpoints:" in message
    assert "stale or was cut" in message or "covered by no checkpoint" in message


def test_cutting_the_log_at_every_destination_too_leaves_it_stale(signed, tmp_path):
    _cut_newest(5)
    for path in [checkpoints.log_path(), *_copies(tmp_path)]:
        _drop_last_line(path)
    with clock.frozen(clock.now() + LATER):
        assert "stale or was cut" in _fails()


def test_a_rewritten_chain_with_the_log_deleted_fails_verify(signed):
    with triggers_dropped():
        sql("UPDATE journal_entry SET reason = 'nothing to see' WHERE seq = 3")
        rechain_from(3)
    checkpoints.log_path().unlink()
    message = _fails()
    assert "rewritten" in message or "is missing" in message
    assert "is missing, yet a checkpoint was signed" in _fails("--no-copies")


def test_a_log_older_than_the_limit_fails_verify(signed):
    with clock.frozen(clock.now() + LATER):
        message = _fails()
    assert "stale or was cut" in message


def test_entries_older_than_the_limit_with_no_checkpoint_fail_verify(signed, people, customer):
    """A recent checkpoint of an older head: the entries after it were written long ago and
    never checkpointed (or their checkpoints were removed)."""
    with clock.frozen(clock.now() + dt.timedelta(minutes=1)):
        make_case(people.agent, customer)
    with clock.frozen(clock.now() + LATER):
        head = checkpoints.read_log().checkpoints[-1]
        checkpoints.append_to_log(checkpoints.sign(head.seq, head.hash))
        message = _fails("--no-copies")
    assert f"entries #{signed + 1}..#" in message and "covered by no checkpoint" in message
    assert "stale or was cut" not in message


def test_a_young_journal_without_checkpoints_yet_verifies(people, customer):
    make_case(people.agent, customer)
    assert run("journal", "verify").out.startswith("Journal OK")


def test_status_warns_while_the_signing_key_is_inside_the_data_directory(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.JOURNAL_SIGNING_KEY_FILE = tmp_path / "keys" / "journal-ed25519.pem"
    with pytest.raises(CommandError):  # no worker in tests: unhealthy, but it still prints
        run("status")
    data = _status_json()
    assert any("signing key is inside the data directory" in w for w in data["warnings"])

    settings.JOURNAL_SIGNING_KEY_FILE = tmp_path.parent / "elsewhere" / "journal.pem"
    assert _status_json()["warnings"] == []


def _status_json() -> dict:
    out = io.StringIO()
    with contextlib.suppress(CommandError):  # unhealthy without a worker; it still prints
        call_command("status", "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_a_forged_restore_record_does_not_excuse_a_cut(signed, tmp_path):
    """A restore record makes older checkpoints of abandoned history notes, not failures;
    one not signed by this installation's key excuses nothing."""
    _cut_newest(5)
    _drop_last_line(checkpoints.log_path())
    tail = sql("SELECT seq, hash FROM journal_entry ORDER BY seq DESC LIMIT 1")[0]
    forged = checkpoints.Checkpoint(
        seq=tail[0], hash=tail[1], at="2999-01-01T00:00:00.000000Z", key_id="x",
        signature="AAAA", restored="20260101T000000Z",
    )  # fmt: skip
    for path in _copies(tmp_path):
        checkpoints.append_to_log(forged, path)
    message = _fails()
    assert "truncated" in message and "bad signature" in message


def test_a_signed_restore_record_leaves_the_abandoned_history_out(signed, tmp_path):
    _cut_newest(5)  # as a restore of an older backup would leave it
    tail = sql("SELECT seq, hash FROM journal_entry ORDER BY seq DESC LIMIT 1")[0]
    record = checkpoints.sign(tail[0], tail[1], restored="20260101T000000Z")
    for path in [checkpoints.log_path(), *_copies(tmp_path)]:
        checkpoints.append_to_log(record, path)
    out = run("journal", "verify").out
    assert out.startswith("Journal OK")
    assert "abandoned by the restore of 20260101T000000Z" in out
