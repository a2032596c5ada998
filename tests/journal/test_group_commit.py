"""Group commit (journal/group_commit.py): a server's threads share SQLite transactions and
fsyncs, and each writer still gets exactly its own outcome. Run in a child process on a real
SQLite file (tests/journal/group_writer.py); the power-loss test runs it under a power cut.

SQLite only: PostgreSQL commits concurrently by itself.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.db import connection

from tests.procs import REPO, caseledger, isolated_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'"),
]


def _run(tmp_path, scenario: str, rounds: int) -> tuple[dict, dict]:
    with isolated_env(tmp_path) as env:
        env["CASELEDGER_CHECKPOINT_ON_WRITES"] = "0"
        migrated = caseledger(env, "migrate", "-v0")
        assert migrated.returncode == 0, migrated.stderr
        done = subprocess.run(
            [sys.executable, str(REPO / "tests" / "journal" / "group_writer.py"), scenario,
             str(rounds)],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        verified = caseledger(env, "journal", "verify", "--no-copies")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        return json.loads(done.stdout.strip().splitlines()[-1]), env


def test_a_writer_refused_in_a_shared_batch_loses_only_its_own_work(tmp_path):
    out, _ = _run(tmp_path, "refusal", rounds=5)
    assert out["stats"]["writers"] > out["stats"]["batches"]  # batches were shared
    assert len(out["refused"]) == 15 and len(out["kept"]) == 15
    stored = set(out["stored"])
    assert stored == set(out["kept"])  # the refused ones rolled back alone


def test_a_failed_shared_commit_fails_every_writer_in_it_and_stores_none(tmp_path):
    out, _ = _run(tmp_path, "commit_fails", rounds=3)
    assert out["failed"]  # told, not acknowledged
    assert not set(out["failed"]) & set(out["stored"])
    assert set(out["stored"]) == set(out["kept"])
    assert len(out["kept"]) + len(out["failed"]) == 18  # later rounds wrote on
    assert len(out["kept"]) >= 12


def test_each_writer_runs_its_own_commit_callbacks_once_its_case_is_committed(tmp_path):
    out, _ = _run(tmp_path, "callbacks", rounds=3)
    assert out["stats"]["writers"] > out["stats"]["batches"]
    assert out["callbacks"] == [[True, True]] * 18


assert connection  # used by the skip condition
