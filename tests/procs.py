"""Running caseledger in real child processes against a database of their own.

On SQLite the child gets a fresh data directory; on PostgreSQL a throwaway database that is
dropped afterwards. Which engine follows the suite's own DATABASE_URL.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def isolated_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["CASELEDGER_DATA_DIR"] = str(tmp_path / "data")
    env["DJANGO_SETTINGS_MODULE"] = "caseledger.settings.production"
    env["PYTHONPATH"] = str(REPO)
    # The tests read the commands' English; tests/cli/test_cli_language.py runs them in zh-Hans.
    env["CASELEDGER_LANGUAGE"] = "en"
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)
        yield env
        return
    import psycopg

    settings_dict = connection.settings_dict
    name = f"cl_proc_{secrets.token_hex(4)}"
    admin_dsn = (
        f"host={settings_dict['HOST'] or '127.0.0.1'} "
        f"port={settings_dict['PORT'] or 5432} user={settings_dict['USER']} "
        "dbname=postgres"
    )
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = (
        f"postgres://{settings_dict['USER']}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{name}"
    )
    try:
        yield env
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def caseledger(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "caseledger", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def python(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(env: dict[str, str], *serve_args: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """`caseledger serve` on a free port, yielded with its port once /healthz answers (any
    status: it says 503 while no job worker heartbeats); stopped afterwards."""
    import http.client
    import time

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "caseledger", "serve", "--port", str(port), *serve_args],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                probe.close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "caseledger serve did not answer in 60 s"
                time.sleep(0.2)
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=60)
