"""The fault scenarios in real processes on real files: a backup killed with SIGKILL, and a
deleted live database restored from every destination (two directories and S3)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.backup.conftest import make_bucket, s3_env
from tests.procs import REPO, caseledger, isolated_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _prepared(env: dict[str, str], cases: int = 20) -> dict:
    _ok(caseledger(env, "migrate", "-v0"))
    _ok(caseledger(env, "demo", "--cases", str(cases), "--seed", "3"))
    _ok(caseledger(env, "journal", "checkpoint"))
    return json.loads(_ok(caseledger(env, "journal", "verify", "--json")).stdout)


def _listed(env: dict[str, str]) -> set[tuple[str, str]]:
    items = json.loads(_ok(caseledger(env, "backup", "list", "--json")).stdout)
    return {(i["destination"], i["snapshot"]) for i in items}


def test_a_backup_killed_mid_write_is_never_listed_and_the_next_run_succeeds(tmp_path):
    """kill -9 between writing the archive and renaming it into place at `secondary`."""
    with isolated_env(tmp_path) as env:
        _prepared(env, cases=5)
        marker = tmp_path / "paused"
        killed_env = {
            **env,
            "CASELEDGER_BACKUP_PAUSE_AT": "secondary:before-rename",
            "CASELEDGER_BACKUP_PAUSE_MARKER": str(marker),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "caseledger", "backup", "run"],
            env=killed_env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "backup never paused"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

        secondary = Path(env["CASELEDGER_DATA_DIR"]) / "backups" / "secondary"
        assert [p.name for p in secondary.iterdir() if p.name.startswith(".tmp-")]
        listed = _listed(env)
        assert {d for d, _ in listed} == {"primary"}  # complete there, never at secondary

        _ok(caseledger(env, "backup", "run"))

        after = _listed(env)
        assert {d for d, _ in after} == {"primary", "secondary"}
        assert not [p for p in secondary.iterdir() if p.name.startswith(".tmp-")]
        _ok(caseledger(env, "backup", "verify"))
        # ... and no restore lands on the live database without --replace --yes.
        live = env.get("DATABASE_URL") or env["CASELEDGER_DATA_DIR"]
        refused = caseledger(env, "restore", "--from", "primary", "--to", live)
        assert refused.returncode != 0 and "live database" in refused.stderr


def _drop_live(env: dict[str, str]) -> None:
    if "DATABASE_URL" not in env:
        for path in Path(env["CASELEDGER_DATA_DIR"]).glob("caseledger.sqlite3*"):
            path.unlink()
        return
    import psycopg

    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect(
        env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", autocommit=True
    ) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_deleted_live_database_comes_back_from_every_destination(tmp_path, s3_endpoint):
    with isolated_env(tmp_path) as env:
        env.update(s3_env(s3_endpoint, make_bucket(s3_endpoint)))
        live = _prepared(env)
        run = json.loads(_ok(caseledger(env, "backup", "run", "--json")).stdout)
        assert {d["name"] for d in run["destinations"] if d["ok"]} == {"primary", "secondary", "s3"}

        _drop_live(env)

        restored_dbs = []
        try:
            for destination in ("primary", "secondary", "s3"):
                if "DATABASE_URL" in env:
                    target = f"{env['DATABASE_URL']}_r_{destination}"
                    restored_dbs.append(target)
                else:
                    target = str(tmp_path / f"restored-{destination}")
                done = _ok(
                    caseledger(env, "restore", "--from", destination, "--to", target, "--json")
                )
                summary = json.loads(done.stdout)
                assert summary["ok"] and summary["problems"] == []
                assert summary["journal"]["entries"] == live["entries"]
                assert summary["journal"]["head_hash"] == live["head_hash"]
                assert summary["journal"]["checkpoints_checked"] >= 1
                assert summary["counts"]["cases_case"] == 20
                assert Path(summary["files"], "checkpoints", "checkpoints.jsonl").is_file()
            # The restored copy is a working caseledger: its own verify passes.
            if "DATABASE_URL" in env:
                check_env = {**env, "DATABASE_URL": restored_dbs[0]}
            else:
                check_env = {**env, "CASELEDGER_DATA_DIR": str(tmp_path / "restored-primary")}
                check_env["CASELEDGER_JOURNAL_KEY_FILE"] = str(
                    Path(env["CASELEDGER_DATA_DIR"]) / "keys" / "journal-ed25519.pem"
                )
            _ok(caseledger(check_env, "journal", "verify"))
        finally:
            if connection.vendor == "postgresql":
                import psycopg

                for url in restored_dbs:
                    base, name = url.rsplit("/", 1)
                    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
