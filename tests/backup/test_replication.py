"""Continuous replication with Litestream, with real processes and a real kill -9: every
write acknowledged before the crash is in the database, and the replica restores (checked by
the same code as a backup restore) with every write acknowledged more than ~2 s earlier."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caseledger.backup.replication import parse_at
from caseledger.core.errors import ValidationFailed
from tests.procs import REPO, caseledger, isolated_env

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="Litestream replicates SQLite only; PostgreSQL uses WAL archiving"
)

# A writer beside the server: journaled writes through the services, each acknowledged on
# stdout (id, wall-clock seconds) only after its transaction committed.
WRITER = """
import sys, time, django
django.setup()
from caseledger.accounts.services import department_create, user_create
from caseledger.customers.services import customer_create
department = department_create(actor=None, code="writes", name="Writes")
agent = user_create(
    actor=None, username="writer", password=None, roles=["agent"], department=department
)
print("ready", flush=True)
i = 0
while True:
    i += 1
    customer = customer_create(
        actor=agent,
        data={"kind": "person", "name": f"writer {i}", "department": department.pk},
    )
    print(f"ack {customer.pk} {time.time():.6f}", flush=True)  # noqa: TID251
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, *, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited ({proc.returncode}) before {what}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Up:
    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.out = tmp_path / "up.out"
        self.err = tmp_path / "up.err"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "caseledger",
                    "up",
                    "--no-demo",
                    "--port",
                    str(_free_port()),
                ],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        text = _wait(
            lambda: "Replicating the database" in self.out.read_text() and self.out.read_text(),
            timeout=90,
            what=f"`up` to run with replication: {self.err}",
            proc=self.proc,
        )
        self.web, self.worker = (int(p) for p in re.findall(r"pid (\d+)", text))
        self.litestream = int(re.search(r"Litestream, process (\d+)", text).group(1))

    def kill_everything(self) -> None:
        # Litestream first: once `up` is gone its children get SIGTERM, a graceful stop.
        for pid in (self.litestream, self.web, self.worker, self.proc.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


def _acks(lines: list[str]) -> dict[int, float]:
    acks = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "ack":
            acks[int(parts[1])] = float(parts[2])
    return acks


def _ids(db: Path) -> set[int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM customers_customer")}


@sqlite_only
@pytest.mark.slow
def test_kill_9_loses_no_acknowledged_write_and_the_replica_restores_to_a_point_in_time(
    tmp_path,
):
    with isolated_env(tmp_path) as env:
        env["CASELEDGER_ADMIN_PASSWORD"] = "replication-test-password-1"
        up = Up(env, tmp_path)
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=(tmp_path / "writer.err").open("w"),
            text=True,
        )
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"
            time.sleep(5)
            # The crash: `up` is frozen so it cannot stop anything gracefully; the writer,
            # the server and the worker die at once; Litestream a moment later, whether or
            # not its last sync happened.
            os.kill(up.proc.pid, signal.SIGSTOP)
            for pid in (writer.pid, up.web, up.worker):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            # Litestream restores "as of" the real wall clock, not the shifted one.
            killed_at = time.time()  # noqa: TID251
            time.sleep(0.3)
            up.kill_everything()
            lines = writer.stdout.read().splitlines()
            writer.wait(timeout=10)
        finally:
            writer.kill()
            up.kill_everything()

        acks = _acks(lines)
        assert len(acks) > 100, (tmp_path / "writer.err").read_text()[-2000:]
        live_db = Path(env["CASELEDGER_DATA_DIR"]) / "caseledger.sqlite3"
        lost = set(acks) - _ids(live_db)
        assert not lost, f"{len(lost)} acknowledged writes are not in the database: {lost}"

        restored = tmp_path / "restored"
        done = caseledger(env, "restore", "--from", "replica", "--to", str(restored), "--json")
        assert done.returncode == 0, done.stderr + done.stdout
        assert '"ok": true' in done.stdout
        in_replica = _ids(restored / "caseledger.sqlite3")
        early = {i for i, at in acks.items() if at <= killed_at - 2.0}
        missing = early - in_replica
        assert not missing, f"{len(missing)} writes acknowledged >2 s before the kill missing"
        newest = max(acks[i] for i in in_replica if i in acks)
        rpo = max(acks.values()) - newest
        print(
            f"RPO: {rpo:.2f} s ({len(acks)} acknowledged, {len(in_replica & set(acks))} in replica)"
        )
        assert rpo <= 2.5

        # As of a time in the middle of the stream: what was acknowledged well before is
        # there, what was written well after is not, and the journal still verifies.
        first, last = min(acks.values()), max(acks.values())
        middle = first + (last - first) / 2
        at = dt.datetime.fromtimestamp(middle, tz=dt.UTC).isoformat()
        back = tmp_path / "as-of-middle"
        done = caseledger(env, "restore", "--from", "replica", "--at", at, "--to", str(back))
        assert done.returncode == 0, done.stderr + done.stdout
        assert "verified against" in done.stdout
        ids = _ids(back / "caseledger.sqlite3")
        assert {i for i, a in acks.items() if a <= middle - 1.5} <= ids
        assert not {i for i, a in acks.items() if a > middle + 1.0} & ids


@sqlite_only
@pytest.mark.slow
def test_up_stops_everything_when_litestream_dies(tmp_path):
    with isolated_env(tmp_path) as env:
        env["CASELEDGER_ADMIN_PASSWORD"] = "replication-test-password-1"
        up = Up(env, tmp_path)
        try:
            os.kill(up.litestream, signal.SIGKILL)
            assert up.proc.wait(timeout=60) == 1
        finally:
            up.kill_everything()
        assert "replication (Litestream) stopped unexpectedly" in up.err.read_text()


@sqlite_only
def test_a_restore_as_of_before_the_replica_began_names_the_problem(tmp_path):
    with isolated_env(tmp_path) as env:
        assert caseledger(env, "migrate", "-v", "0").returncode == 0
        done = caseledger(
            env,
            "restore",
            "--from",
            "replica",
            "--at",
            "2001-01-01T00:00:00Z",
            "--to",
            str(tmp_path / "r"),
        )
        assert done.returncode == 1
        assert "Litestream could not restore" in done.stderr
        assert not (tmp_path / "r" / "caseledger.sqlite3").exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="checks what PostgreSQL says instead of replicating")
def test_on_postgresql_a_replica_restore_points_to_wal_archiving(tmp_path):
    with isolated_env(tmp_path) as env:
        done = caseledger(env, "restore", "--from", "replica", "--to", str(tmp_path / "r"))
        assert done.returncode == 1
        assert "WAL archiving" in done.stderr


def test_at_needs_a_time_zone():
    assert parse_at("2026-03-01T12:07:00Z") == dt.datetime(2026, 3, 1, 12, 7, tzinfo=dt.UTC)
    assert parse_at(None) is None and parse_at("latest") is None
    with pytest.raises(ValidationFailed, match="no time zone"):
        parse_at("2026-03-01T12:07:00")
    with pytest.raises(ValidationFailed, match="not an ISO 8601 time"):
        parse_at("yesterday")
