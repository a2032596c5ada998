"""The data directory, databases and keys are the owner's alone: created 0700/0600, tightened
at start when found looser, and `caseledger status` warns while any is readable by others."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from caseledger.core.services import heartbeat_beat
from caseledger.journal.services import checkpoint_create
from tests.cli.helpers import run


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _start(data_dir: Path) -> None:
    """A fresh process starting caseledger on `data_dir` under the usual umask 022, which
    opens the SQLite database and writes to it."""
    code = (
        "import os; os.umask(0o022); import django;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'caseledger.settings.production';"
        "django.setup(); from django.db import connection;"
        "cursor = connection.cursor(); cursor.execute('CREATE TABLE IF NOT EXISTS t (x)');"
        "cursor.execute('INSERT INTO t VALUES (1)');"
        "open(os.path.join(os.environ['CASELEDGER_DATA_DIR'], 'later.txt'), 'w').close()"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CASELEDGER_DATA_DIR"] = str(data_dir)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


def test_a_fresh_install_creates_its_directory_database_and_key_for_the_owner_only(tmp_path):
    data = tmp_path / "var"
    _start(data)
    assert _mode(data) == 0o700
    assert _mode(data / "caseledger.sqlite3") == 0o600
    assert _mode(data / "secret_key") == 0o600
    assert _mode(data / "later.txt") == 0o600  # anything the process writes afterwards
    assert _mode(data / "static") == 0o700


def test_an_existing_world_readable_install_is_tightened_at_start(tmp_path):
    data = tmp_path / "var"
    _start(data)
    data.chmod(0o755)
    (data / "caseledger.sqlite3").chmod(0o644)
    (data / "secret_key").chmod(0o664)
    _start(data)
    assert _mode(data) == 0o700
    assert _mode(data / "caseledger.sqlite3") == 0o600
    assert _mode(data / "secret_key") == 0o600


@pytest.mark.django_db
def test_status_warns_while_the_data_or_a_key_is_readable_by_others(settings, tmp_path):
    heartbeat_beat(name="worker")
    checkpoint_create()
    data = tmp_path / "var"
    data.mkdir(mode=0o700)
    (data / "caseledger.sqlite3").write_bytes(b"")
    (data / "caseledger.sqlite3").chmod(0o600)
    key = settings.JOURNAL_SIGNING_KEY_FILE
    settings.DATA_DIR = data
    settings.PRIVATE_KEY_FILES = [key]
    assert "warning" not in run("status").out
    assert run("status", "--json").json()["loose_files"] == []

    data.chmod(0o755)
    (data / "caseledger.sqlite3").chmod(0o644)
    key.chmod(0o640)
    text = run("status").out
    assert f"warning: {data} is mode 0755, readable by others; chmod 700 it" in text
    assert f"warning: {data / 'caseledger.sqlite3'} is mode 0644" in text
    assert f"warning: {key} is mode 0640" in text
    found = run("status", "--json").json()["loose_files"]
    assert {f["path"] for f in found} == {str(data), str(data / "caseledger.sqlite3"), str(key)}
