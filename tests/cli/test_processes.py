"""`caseledger up`, `serve` and `worker` as real processes: the way `make run` starts them."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from tests.cli.helpers import run
from tests.cli.procs import (
    CASELEDGER,
    alive,
    fresh_env,
    kill_all,
    throwaway_database,
    wait_until,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthz(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url + "healthz", timeout=3) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as exc:
        return json.load(exc) if exc.code == 503 else None
    except OSError:
        return None


class Up:
    """`caseledger up` in a fresh data directory, its output in files (pipes can fill)."""

    def __init__(self, tmp_path: Path, database_url: str | None, *args: str) -> None:
        self.data = tmp_path / "data"
        self.out_path, self.err_path = tmp_path / "up.out", tmp_path / "up.err"
        self.env = fresh_env(self.data, database_url)
        self.port = free_port()
        self.pids: list[int] = []
        with self.out_path.open("w") as out, self.err_path.open("w") as err:
            self.proc = subprocess.Popen(
                [CASELEDGER, "up", "--port", str(self.port), "--no-demo", *args],
                env=self.env,
                stdout=out,
                stderr=err,
                cwd=tmp_path,
            )

    @property
    def out(self) -> str:
        return self.out_path.read_text()

    @property
    def err(self) -> str:
        return self.err_path.read_text()

    def wait_running(self) -> str:
        wait_until(
            lambda: "caseledger is running at" in self.out,
            timeout=120,
            what="the running message",
            proc=self.proc,
        )
        self.pids = [int(p) for p in re.findall(r"pid (\d+)", self.out)]
        return re.search(r"running at (\S+)", self.out).group(1)

    def stop(self, signum: int = signal.SIGINT, timeout: float = 60) -> int:
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=timeout)


@pytest.fixture
def database_url():
    with throwaway_database() as url:
        yield url


@pytest.mark.slow
def test_up_starts_web_and_worker_prints_the_login_and_stops_cleanly_on_ctrl_c(
    tmp_path, database_url
):
    up = Up(tmp_path, database_url)
    try:
        url = up.wait_running()
        assert url == f"http://127.0.0.1:{up.port}/"
        password = re.search(r"Password:\s+(\S+)", up.out).group(1)
        assert "Administrator: admin" in up.out
        web_pid, worker_pid = up.pids
        assert alive(web_pid) and alive(worker_pid)

        report = wait_until(
            lambda: (r := healthz(url)) and r["ok"] and r,
            timeout=30,
            what="a healthy /healthz",
            proc=up.proc,
        )
        assert report["checks"]["worker"]["ok"] is True
        assert report["checks"]["checkpoint"]["last_checkpoint_seq"] >= 1
        log = (up.data / "checkpoints" / "checkpoints.jsonl").read_text().splitlines()
        assert json.loads(log[0])["seq"] >= 1

        assert up.stop(signal.SIGINT) == 0
        assert "Stopped." in up.out
        assert not alive(web_pid) and not alive(worker_pid)
    finally:
        kill_all(up.proc, up.pids)

    # The one-time password works, was printed exactly once, and is stored nowhere.
    assert (up.out + up.err).count(password) == 1
    for path in up.data.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path
    check = subprocess.run(
        [
            CASELEDGER,
            "shell",
            "-c",
            "from django.contrib.auth import authenticate; "
            f"print(authenticate(username='admin', password='{password}') is not None)",
        ],
        env=up.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert check.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.slow
def test_up_stops_the_web_server_and_fails_when_the_worker_dies(tmp_path, database_url):
    up = Up(tmp_path, database_url)
    try:
        up.wait_running()
        web_pid, worker_pid = up.pids

        os.kill(worker_pid, signal.SIGKILL)

        assert up.proc.wait(timeout=60) == 1
        assert "the worker stopped unexpectedly" in up.err
        assert not alive(web_pid)
    finally:
        kill_all(up.proc, up.pids)


@pytest.mark.slow
def test_up_reuses_the_database_and_does_not_create_a_second_admin(tmp_path, database_url):
    first = Up(tmp_path, database_url, "--no-worker")
    try:
        first.wait_running()
        assert first.stop(signal.SIGTERM) == 0
    finally:
        kill_all(first.proc, first.pids)
    second = Up(tmp_path, database_url, "--no-worker")
    try:
        second.wait_running()
        assert "Password:" not in second.out
        assert "Log in with an existing administrator account." in second.out
        assert second.stop(signal.SIGTERM) == 0
    finally:
        kill_all(second.proc, second.pids)


@pytest.mark.django_db
def test_up_refuses_a_port_in_use_before_touching_anything():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=f"port {port} on 127.0.0.1 is already in use"):
            run("up", "--port", str(port), "--no-demo")
        with pytest.raises(CommandError, match="already in use"):
            run("serve", "--port", str(port))


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [
        ["-m", "caseledger", "--help"],
        ["-m", "caseledger", "token", "create", "--help"],
        ["-m", "caseledger", "journal", "verify", "--help"],
    ],
)
def test_help_works_from_the_console(tmp_path, argv):
    result = subprocess.run(
        [sys.executable, *argv],
        env=fresh_env(tmp_path, None),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout.lower() or "subcommands" in result.stdout.lower()


@pytest.mark.slow
@pytest.mark.parametrize(
    "command", ["up", "serve", "worker", "createadmin", "token", "journal", "status"]
)
def test_every_command_has_help(tmp_path, command):
    result = subprocess.run(
        [CASELEDGER, command, "--help"],
        env=fresh_env(tmp_path, None),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert f"caseledger {command}" in result.stdout


@pytest.mark.slow
def test_children_do_not_outlive_a_killed_up(tmp_path, database_url):
    up = Up(tmp_path, database_url)
    try:
        up.wait_running()

        up.proc.kill()  # no chance to clean up: the kernel must stop the children
        up.proc.wait(timeout=10)

        wait_until(
            lambda: not any(alive(pid) for pid in up.pids),
            timeout=45,
            what="the children to stop after up was killed",
        )
    finally:
        kill_all(up.proc, up.pids)


@pytest.mark.slow
def test_worker_alone_beats_checkpoints_and_stops_on_sigint(tmp_path, database_url):
    env = fresh_env(tmp_path / "data", database_url)
    subprocess.run(
        [CASELEDGER, "migrate", "-v0"], env=env, check=True, timeout=120, capture_output=True
    )
    before = subprocess.run(
        [CASELEDGER, "status"], env=env, capture_output=True, text=True, timeout=60
    )
    assert before.returncode == 1 and "unhealthy: worker, checkpoint" in before.stderr

    err_path = tmp_path / "worker.err"
    with err_path.open("w") as err:
        worker = subprocess.Popen([CASELEDGER, "worker"], env=env, stdout=err, stderr=err)
    try:
        wait_until(
            lambda: '"worker.start"' in err_path.read_text(),
            timeout=60,
            what="the worker to start",
            proc=worker,
        )
        after = subprocess.run(
            [CASELEDGER, "status", "--json"], env=env, capture_output=True, text=True, timeout=60
        )

        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=60) == 0
    finally:
        kill_all(worker, [])
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["ok"] is True
    log = err_path.read_text()
    assert '"job": "worker.heartbeat", "duration_ms"' in log
    assert '"job": "journal.checkpoint", "duration_ms"' in log
    assert "Consumer exiting." in log
