"""`caseledger import --commit` killed with SIGKILL at random points, then run again:
every row lands exactly once (and is given once by the department's assignment rule), the
batch resumes after its last committed chunk (it is not started afresh), and the journal
verifies and reconciles. Real processes against a database of their own, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.intake.spreadsheet.helpers import write_csv
from tests.procs import caseledger, isolated_env, python

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROWS = 3000
SETUP = """
import django; django.setup()
from caseledger.accounts.services import department_create, user_create
dept = department_create(actor=None, code="sales", name="Sales")
for name in ("agent", "bea"):
    user_create(actor=None, username=name, password=None, roles=["agent"], department=dept)
from caseledger.workflow.assign.rules import assign_rule_set
assign_rule_set(actor=None, data={"name": "all", "department": "sales", "strategy": "round_robin"})
"""
CHECK = """
import json; import django; django.setup()
from django.db.models import Count
from caseledger.cases.models import Case
from caseledger.intake.spreadsheet.models import ExternalRef, ImportBatch
from caseledger.journal.models import Entry
from caseledger.journal.reconcile import reconcile
from caseledger.journal.verify import verify_chain
subjects = Case.objects.values("subject").annotate(n=Count("id"))
print(json.dumps({
    "cases": Case.objects.count(),
    "twice": [s["subject"] for s in subjects if s["n"] > 1],
    "refs": ExternalRef.objects.filter(object_type="case").count(),
    "creates": Entry.objects.filter(action="case.create", via="import").count(),
    "given": Entry.objects.filter(action="case.auto_assign", via="import").count(),
    "queued": Case.objects.filter(assignee__isnull=True).count(),
    "batches": list(ImportBatch.objects.values_list("status", "high_water", "cases_created")),
    "verified": verify_chain().ok,
    "reconciled": reconcile().ok,
}))
"""


def _rows() -> list[list[str]]:
    return [
        [
            f"EXT-{n}",
            "complaint",
            "billing",
            f"row {n}",
            "",
            f"客户{n % 700}",
            f"1380013{n % 700:04d}",
        ]
        for n in range(ROWS)
    ]


def _high_water(env: dict[str, str], data: Path, status: str = "") -> int:
    """The batch's high-water mark (of a batch in `status`, when given)."""
    query = "SELECT COALESCE(MAX(high_water), 0) FROM intake_spreadsheet_importbatch"
    if status:
        query += f" WHERE status = '{status}'"
    try:
        if connection.vendor == "postgresql":
            import psycopg

            url = env["DATABASE_URL"].replace("postgres://", "postgresql://")
            with psycopg.connect(url) as db:
                return int(db.execute(query).fetchone()[0])
        db = sqlite3.connect(f"file:{data / 'caseledger.sqlite3'}?mode=ro", uri=True, timeout=5)
        try:
            return int(db.execute(query).fetchone()[0])
        finally:
            db.close()
    except Exception:  # the table is not there yet, or the database is busy: not started
        return 0


def test_an_import_killed_at_random_points_and_resumed_leaves_every_row_exactly_once(tmp_path):
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    with isolated_env(tmp_path) as env:
        assert caseledger(env, "migrate", "--no-input", timeout=600).returncode == 0
        setup = python(env, "-c", SETUP)
        assert setup.wait(timeout=120) == 0, setup.stderr.read() if setup.stderr else ""
        sheet = write_csv(tmp_path / "cases.csv", _rows())
        command = [
            "-m",
            "caseledger",
            "import",
            str(sheet),
            "--as",
            "agent",
            "--department",
            "sales",
            "--commit",
            "--mode",
            "valid-only",
            "--chunk-size",
            "100",
            "--no-progress",
        ]
        kills, resumed = 0, 0
        for _ in range(4):
            before = _high_water(env, tmp_path / "data")
            child = python(env, *command)
            deadline = time.monotonic() + 120
            while child.poll() is None and time.monotonic() < deadline:
                if _high_water(env, tmp_path / "data") > before:
                    break
                time.sleep(0.05)
            # Soon after a chunk lands: the rest of a 3,000-row import can take well under a
            # second on a quiet machine, and a run that ends unkilled proves nothing.
            time.sleep(rng.uniform(0, 0.15))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                kills += 1
            finished = child.wait(timeout=60) == 0
            resumed += "resuming import" in (child.stderr.read() if child.stderr else "")
            # The import ran to its end before the kill came (or the kill came after the
            # batch was done, before the process exited): a new run would be a new batch.
            if finished or _high_water(env, tmp_path / "data", "done"):
                break
        else:
            final = python(env, *command)
            assert final.wait(timeout=600) == 0, final.stderr.read() if final.stderr else ""
        checker = python(env, "-c", CHECK)
        out, err = checker.communicate(timeout=600)
        assert checker.returncode == 0, err
    found = json.loads(out)
    assert kills >= 1, f"no run was killed mid-import (seed {seed})"
    assert found["cases"] == ROWS and found["twice"] == [], f"seed {seed}: {found}"
    assert found["refs"] == ROWS and found["creates"] == ROWS, f"seed {seed}"
    assert (found["given"], found["queued"]) == (ROWS, 0), f"each case given once (seed {seed})"
    assert found["batches"] == [["done", ROWS + 1, ROWS]], f"one batch, resumed (seed {seed})"
    assert found["verified"] and found["reconciled"], f"seed {seed}"
    assert resumed >= 1
