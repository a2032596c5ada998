"""Real `caseledger` processes for the slow tests: a fresh data directory, and on PostgreSQL
a throwaway database of their own, dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CASELEDGER = str(Path(sys.executable).parent / "caseledger")


@contextlib.contextmanager
def throwaway_database() -> Iterator[str | None]:
    """A DATABASE_URL for a new, empty PostgreSQL database, or None on SQLite."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    import psycopg

    name = f"cl_cli_proc_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CASELEDGER_", "DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        {
            "CASELEDGER_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "caseledger.settings.production",
            "PYTHONUNBUFFERED": "1",
            # The tests read the commands' English (test_cli_language.py reads zh-Hans).
            "CASELEDGER_LANGUAGE": "en",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def wait_until(
    check: Callable[[], object],
    *,
    timeout: float,
    what: str,
    proc: subprocess.Popen | None = None,
    interval: float = 0.25,
):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited ({proc.returncode}) while waiting for {what}")
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"  # a zombie has exited
    except (FileNotFoundError, IndexError):
        return False


def kill_all(proc: subprocess.Popen, pids: list[int]) -> None:
    """Cleanup after a failed test: nothing started here may outlive it."""
    for pid in [proc.pid, *pids]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
