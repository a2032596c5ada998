"""Acknowledged means durable: a writer acknowledges cases, then the machine "loses power"
(the writer is killed and the disk is left holding only what was fsynced, see
tests/journal/power_loss.py). With the live default `synchronous=FULL` every acknowledged
case is there after recovery and the journal verifies; with the former `NORMAL` they are
not, which shows the simulation can tell the difference.

SQLite only: PostgreSQL's durability is its own fsync of the WAL (`synchronous_commit`).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.procs import REPO, caseledger, isolated_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
ACKNOWLEDGED = 25


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _power_loss(
    tmp_path: Path, synchronous: str, threads: int = 1
) -> tuple[list[int], set[int], Path, dict]:
    """(acknowledged case ids, case ids on disk after recovery, data dir, env)."""
    with isolated_env(tmp_path) as env:
        env["CASELEDGER_SQLITE_SYNCHRONOUS"] = synchronous
        env["CASELEDGER_CHECKPOINT_ON_WRITES"] = "0"
        data = Path(env["CASELEDGER_DATA_DIR"])
        _ok(caseledger(env, "migrate", "-v0"))
        setup = subprocess.run(
            [sys.executable, str(REPO / "tests" / "journal" / "writer.py"), "setup"],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        customer = _ok(setup).stdout.strip().splitlines()[-1]
        images, marker = tmp_path / "disk", tmp_path / "paused"
        child = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "journal" / "power_loss.py"), str(data),
             str(images), customer, str(ACKNOWLEDGED), str(marker), str(threads)],
            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 240
        while not marker.exists():
            if child.poll() is not None or time.monotonic() > deadline:
                child.kill()
                pytest.fail(f"the writer never paused: {child.communicate()[1][-3000:]}")
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)  # the power goes
        out, _ = child.communicate(timeout=30)
        acknowledged = [int(line) for line in out.split()]
        from tests.journal.power_loss import recover

        recover(images, data)
        with sqlite3.connect(data / "caseledger.sqlite3") as db:
            present = {row[0] for row in db.execute("SELECT id FROM cases_case")}
        return acknowledged, present, data, env


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_every_acknowledged_case_survives_a_power_loss_with_synchronous_full(tmp_path):
    acknowledged, present, _, env = _power_loss(tmp_path, "FULL")
    assert len(acknowledged) == ACKNOWLEDGED
    assert set(acknowledged) <= present
    done = caseledger(env, "journal", "verify", "--no-copies")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_every_case_acknowledged_from_a_shared_group_commit_survives_a_power_loss(tmp_path):
    # Four threads of one process share transactions and fsyncs (journal/group_commit.py);
    # the power goes while they write. Each acknowledged case waited for its batch's fsync.
    acknowledged, present, _, env = _power_loss(tmp_path, "FULL", threads=4)
    assert len(acknowledged) >= ACKNOWLEDGED
    assert set(acknowledged) <= present
    done = caseledger(env, "journal", "verify", "--no-copies")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_acknowledged_cases_are_lost_to_a_power_loss_with_synchronous_normal(tmp_path):
    acknowledged, present, _, _ = _power_loss(tmp_path, "NORMAL")
    assert len(acknowledged) == ACKNOWLEDGED
    assert not set(acknowledged) <= present  # the simulation sees what NORMAL risks


assert connection  # used by the skip conditions
