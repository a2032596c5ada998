"""In real processes: an execution killed with SIGKILL between two records resumes
correctly, and a restore of a backup taken before the disposition destroys the records
again, with a journal that still verifies."""

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

from tests.procs import REPO, caseledger, isolated_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SETUP = """
import datetime as dt, io, json, django
django.setup()
from caseledger.accounts.services import department_create, user_create
from caseledger.cases.services import case_attachment_add, case_note_add
from caseledger.retention.services import schedule_create, retention_recompute
from caseledger.core import clock
from tests.factories import make_case, make_customer
sales = department_create(actor=None, code="sales", name="Sales")
agent = user_create(actor=None, username="alice", password="pw-long-enough-1", roles=["agent"], department=sales)
rita = user_create(actor=None, username="rita", password="pw-long-enough-1", roles=["records_manager"])
carl = user_create(actor=None, username="carl", password="pw-long-enough-1", roles=["compliance"])
customer = make_customer(agent, sales)
cases = [make_case(agent, customer) for _ in range(6)]
case_note_add(actor=agent, case=cases[0], body="secret note 13812345678")
case_attachment_add(actor=agent, case=cases[0], stream=io.BytesIO(b"scan"), filename="s.txt")
schedule_create(actor=rita, code="complaints", data={
    "name": "Complaints", "record_kind": "case", "case_kind": "complaint", "period_years": 1,
    "triggers": ["created"], "action": "destroy", "legal_source": "test"})
retention_recompute(actor=rita, on=clock.now().date() + dt.timedelta(days=5000))
print(json.dumps([c.pk for c in cases]))
"""

COUNT = """
import json, django
django.setup()
from caseledger.cases.models import Case
from caseledger.journal.verify import verify_chain
r = verify_chain(checkpoint_logs=[])
print(json.dumps({"cases": Case.objects.count(), "ok": r.ok,
                  "problems": [str(p) for p in r.problems], "redactions": r.redactions}))
"""


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _python(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    return _ok(done).stdout


def test_killed_execution_resumes_and_a_restore_destroys_again(tmp_path):
    with isolated_env(tmp_path) as env:
        _ok(caseledger(env, "migrate", "-v0"))
        ids = json.loads(_python(env, SETUP).strip().splitlines()[-1])
        _ok(caseledger(env, "backup", "run"))  # taken before the disposition

        proposed = json.loads(
            _ok(
                caseledger(env, "disposition", "propose", "complaints", "--as", "rita", "--json")
            ).stdout
        )
        batch = str(proposed["id"])
        _ok(caseledger(env, "disposition", "approve", batch, "--as", "carl"))

        marker = tmp_path / "paused"
        killed = subprocess.Popen(
            [sys.executable, "-m", "caseledger", "disposition", "execute", batch],
            env={**env, "CASELEDGER_DISPOSITION_PAUSE_AFTER": "3",
                 "CASELEDGER_DISPOSITION_PAUSE_MARKER": str(marker)},
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert killed.poll() is None and time.monotonic() < deadline, "never paused"
            time.sleep(0.05)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=10)
        assert json.loads(_python(env, COUNT))["cases"] == 3  # three destroyed, three left
        listed = json.loads(_ok(caseledger(env, "disposition", "list", "--json")).stdout)
        assert listed["batches"][0]["status"] == "executing"

        # Resumed by the run the retention job makes.
        done = json.loads(_ok(caseledger(env, "disposition", "execute", "--json")).stdout)
        assert done["batches"] == 1
        number = done["certificates"][0]
        after = json.loads(_python(env, COUNT))
        assert after["cases"] == 0 and after["ok"], after["problems"]
        assert {r["by"] for r in after["redactions"]} == {f"disposition {number}"}
        cert = json.loads(
            _ok(caseledger(env, "disposition", "certificate", number, "--json")).stdout
        )
        assert cert["counts"]["done"] == 6
        assert sorted(r["id"] for r in cert["records"]) == sorted(ids)
        data_dir = Path(env["CASELEDGER_DATA_DIR"])
        assert (data_dir / "dispositions" / f"{number}.json").exists()

        # Restore the older backup somewhere new: the records come back, and go again.
        if connection.vendor == "postgresql":
            target = env["DATABASE_URL"] + "_restored"
            restored_env = {**env, "DATABASE_URL": target}
        else:
            target = str(tmp_path / "restored")
            restored_env = {**env, "CASELEDGER_DATA_DIR": target}
        try:
            out = _ok(caseledger(env, "restore", "--from", "primary", "--to", target, "--json"))
            restored = json.loads(_python(restored_env, COUNT))
            assert restored["cases"] == 0, out.stdout
            assert restored["ok"], restored["problems"]
            assert any(r["by"] == f"disposition {number}" for r in restored["redactions"])
            certs = json.loads(
                _ok(caseledger(restored_env, "disposition", "certificate", "--json")).stdout
            )
            assert [c["number"] for c in certs] == [number]
        finally:
            if connection.vendor == "postgresql":
                import psycopg

                s = connection.settings_dict
                dsn = f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname=postgres"
                with psycopg.connect(dsn, autocommit=True) as admin:
                    admin.execute(
                        f'DROP DATABASE IF EXISTS "{target.rsplit("/", 1)[1]}" WITH (FORCE)'
                    )
