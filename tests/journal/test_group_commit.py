"""Group commit (journal/group_commit.py): a server's threads share SQLite transactions and
fsyncs, and each writer still gets exactly its own outcome. Run in a child process on a real
SQLite file (tests/journal/group_writer.py); the power-loss test runs it under a power cut.

SQLite only: PostgreSQL commits concurrently by itself.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from tests.procs import REPO, caseledger, isolated_env, served

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


def test_a_writer_alone_among_shared_batches_commits_the_open_batch_first(tmp_path):
    # A bulk load writes on its own connection; if its turn came while a batch was open,
    # it would wait on SQLite's lock for a COMMIT only it could cause (30 s, then an error).
    out, _ = _run(tmp_path, "solo", rounds=5)
    assert out["errors"] == []
    assert len(out["kept"]) == 30 and set(out["stored"]) == set(out["kept"])


def test_a_threaded_server_answers_every_concurrent_intake_once_it_is_committed(tmp_path):
    # `caseledger serve` turns group commit on for its threads: 4 clients x 15 complaints
    # each, every answer a 201, every complaint stored once, the chain intact.
    with isolated_env(tmp_path) as env:
        assert caseledger(env, "migrate", "-v0").returncode == 0
        made = subprocess.run(
            [sys.executable, str(REPO / "tests" / "journal" / "group_writer.py"), "token", "0"],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr[-2000:]
        token = made.stdout.strip().splitlines()[-1]
        with served(env, "--workers", "1", "--threads", "4") as (_server, port):
            base = f"http://127.0.0.1:{port}/api/v1/intake"
            answers: list[int] = []
            lock = threading.Lock()

            def client(n: int) -> None:
                with requests.Session() as session:
                    for i in range(15):
                        body = {
                            "department": "sales",
                            "customer": {
                                "kind": "person",
                                "name": f"客户{n}-{i}",
                                "contact_points": [
                                    {"kind": "phone", "value": f"1390000{n}{i:03d}"}
                                ],
                            },
                            "case": {
                                "kind": "complaint",
                                "channel": "api",
                                "category": "service",
                                "subject": f"并发 {n}-{i}",
                            },
                        }
                        r = session.post(
                            base, json=body, headers={"Authorization": f"Bearer {token}"},
                            timeout=60,
                        )  # fmt: skip
                        with lock:
                            answers.append(r.status_code)

            with ThreadPoolExecutor(4) as pool:
                list(pool.map(client, range(4)))
        assert answers == [201] * 60
        with sqlite3.connect(tmp_path / "data" / "caseledger.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM cases_case").fetchone()[0] == 60
        verified = caseledger(env, "journal", "verify", "--no-copies")
        assert verified.returncode == 0, verified.stdout + verified.stderr


assert connection  # used by the skip condition
