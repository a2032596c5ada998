"""`caseledger up` (what `make run` calls) ends its start-up with the way in: the URL and
the login are its last lines, after the web server's and the worker's start-up logs, as a
person reads them in one terminal (stdout and stderr together)."""

from __future__ import annotations

import re
import signal
import subprocess
import time

import pytest

from tests.cli.procs import CASELEDGER, fresh_env, kill_all, throwaway_database, wait_until
from tests.cli.test_processes import free_port

STARTUP = ("Huey consumer started", "The following commands are available", "worker.start")


@pytest.mark.slow
def test_the_url_and_login_are_the_last_lines_after_the_workers_start_up_logs(tmp_path):
    with throwaway_database() as database_url:
        env = fresh_env(tmp_path / "data", database_url)
        log = tmp_path / "terminal.txt"
        with log.open("w") as terminal:
            proc = subprocess.Popen(
                [CASELEDGER, "up", "--port", str(free_port()), "--no-demo"],
                env=env,
                stdout=terminal,
                stderr=subprocess.STDOUT,
                cwd=tmp_path,
            )
        pids: list[int] = []
        try:
            wait_until(
                lambda: "caseledger is running at" in log.read_text(),
                timeout=120,
                what="the running message",
                proc=proc,
            )
            text = log.read_text()
            pids = [int(p) for p in re.findall(r"pid (\d+)", text)]
            lines = [line for line in text.splitlines() if line.strip()]
            way_in = next(i for i, line in enumerate(lines) if "caseledger is running at" in line)
            for marker in STARTUP:
                seen = [i for i, line in enumerate(lines) if marker in line]
                assert seen and max(seen) < way_in, (marker, lines)
            tail = lines[way_in:]
            assert tail[1] == "Administrator: admin" and tail[2].startswith("Password:")
            assert "first login" in tail[3]
            assert len(tail) == 4, tail  # nothing after the way in
            # Nor later: the worker's jobs run at every minute and log their start and end;
            # under `up` only their warnings and errors reach the terminal.
            first = _last_job_run(env, database_url)
            wait_until(
                lambda: _last_job_run(env, database_url) != first,
                timeout=90,
                what="the worker's next round of jobs",
                proc=proc,
            )
            time.sleep(1)  # its last lines
            later = [line for line in log.read_text().splitlines() if line.strip()]
            assert later[way_in:] == tail, later[way_in:]
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=60) == 0
        finally:
            kill_all(proc, pids)


def _last_job_run(env: dict[str, str], database_url: str | None) -> object:
    """When the worker last ran its every-minute heartbeat job (a row it writes)."""
    sql = "SELECT at FROM core_heartbeat WHERE name = 'job:worker.heartbeat'"
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as db:
            row = db.execute(sql).fetchone()
    else:
        import sqlite3
        from pathlib import Path

        path = Path(env["CASELEDGER_DATA_DIR"]) / "caseledger.sqlite3"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute(sql).fetchone()
    return row[0] if row else None
