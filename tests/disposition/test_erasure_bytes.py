"""The bytes are gone: markers planted in a customer's cases, notes and attachments are not
in the database after the customer is anonymized through the real commands, nor in a
backup taken before and restored after.

On SQLite the database file and its -wal are searched byte by byte, as an adversary with
the file would; on PostgreSQL no such grep of the server's files is possible from here, so
every text column of every table is searched with SQL instead (on both engines)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.procs import REPO, caseledger, isolated_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SETUP = """
import datetime as dt, json, django
django.setup()
from types import SimpleNamespace
from caseledger.accounts.services import department_create, user_create
from caseledger.retention.services import schedule_create, retention_recompute
from caseledger.core import clock
from tests.disposition import markers
from tests.factories import make_customer
sales = department_create(actor=None, code="sales", name="Sales")
agent = user_create(actor=None, username="alice", password="pw-long-enough-1", roles=["agent"], department=sales)
rita = user_create(actor=None, username="rita", password="pw-long-enough-1", roles=["records_manager"])
carl = user_create(actor=None, username="carl", password="pw-long-enough-1", roles=["compliance"])
customer = make_customer(agent, sales)
other = make_customer(agent, sales)
planted = markers.plant(SimpleNamespace(agent=agent), customer)
kept = markers.plant(SimpleNamespace(agent=agent), other, cases=1)
schedule_create(actor=rita, code="cust-anon", data={
    "name": "Customers", "record_kind": "customer", "period_years": 1,
    "triggers": ["created"], "action": "anonymize", "legal_source": "test"})
retention_recompute(actor=rita, on=clock.now().date() + dt.timedelta(days=5000))
print(json.dumps({"customer": customer.pk, "planted": planted, "kept": kept}))
"""

SEARCH = """
import json, sys, django
django.setup()
from tests.disposition import markers
found = {m: markers.rows_holding(m) for m in json.loads(sys.argv[1])}
print(json.dumps({m: where for m, where in found.items() if where}))
"""


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _python(env: dict[str, str], code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    return _ok(done).stdout.strip().splitlines()[-1]


def _rows(env: dict[str, str], found: list[str]) -> dict[str, list[str]]:
    return json.loads(_python(env, SEARCH, json.dumps(found)))


def _files(data_dir: Path, database: Path | None) -> list[Path]:
    places = [data_dir / "attachments"]
    if database is not None:
        places += [p for p in (database, Path(f"{database}-wal")) if p.exists()]
    return places


def _bytes(found: list[str], places: list[Path]) -> dict[str, list[str]]:
    from tests.disposition import markers

    hits = {m: markers.bytes_holding(m, *places) for m in found}
    return {m: where for m, where in hits.items() if where}


def test_after_anonymization_no_marker_is_in_the_database_bytes_nor_in_a_restored_backup(
    tmp_path,
):
    sqlite = connection.vendor == "sqlite"
    with isolated_env(tmp_path) as env:
        _ok(caseledger(env, "migrate", "-v0"))
        made = json.loads(_python(env, SETUP))
        planted, kept = list(made["planted"].values()), list(made["kept"].values())
        data_dir = Path(env["CASELEDGER_DATA_DIR"])
        database = data_dir / "caseledger.sqlite3" if sqlite else None
        # Planted for real: each is found where it was put, before.
        assert set(_rows(env, planted)) | set(_bytes(planted, _files(data_dir, None))) == set(
            planted
        )
        _ok(caseledger(env, "backup", "run"))  # taken before the anonymization

        record = str(made["customer"])
        propose = ("propose", "cust-anon", "--record", record, "--action", "anonymize")
        proposed = json.loads(
            _ok(caseledger(env, "disposition", *propose, "--as", "rita", "--json")).stdout
        )
        batch = str(proposed["id"])
        _ok(caseledger(env, "disposition", "approve", batch, "--as", "carl"))
        _ok(caseledger(env, "disposition", "execute", batch))

        assert _rows(env, planted) == {}
        assert _bytes(planted, _files(data_dir, database)) == {}
        # Another customer's data is untouched, so the search would have found it.
        assert set(_rows(env, kept)) | set(_bytes(kept, _files(data_dir, None))) == set(kept)
        if sqlite:
            assert _bytes(kept[:1], [database]) != {}

        if sqlite:
            target = str(tmp_path / "restored")
            restored_env = {**env, "CASELEDGER_DATA_DIR": target}
        else:
            target = env["DATABASE_URL"] + "_restored"
            restored_env = {**env, "DATABASE_URL": target}
        try:
            out = json.loads(
                _ok(
                    caseledger(env, "restore", "--from", "primary", "--to", target, "--json")
                ).stdout
            )
            assert out["ok"], out["problems"]
            files_dir = Path(out["files"])
            restored_db = Path(out["target"]) if sqlite else None
            assert _rows(restored_env, planted) == {}
            assert _bytes(planted, _files(files_dir, restored_db)) == {}
            assert set(_rows(restored_env, kept)) | set(
                _bytes(kept, _files(files_dir, None))
            ) == set(kept)
        finally:
            if not sqlite:
                import psycopg

                s = connection.settings_dict
                dsn = f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname=postgres"
                with psycopg.connect(dsn, autocommit=True) as admin:
                    admin.execute(
                        f'DROP DATABASE IF EXISTS "{target.rsplit("/", 1)[1]}" WITH (FORCE)'
                    )
