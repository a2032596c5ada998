"""kill -9 between writing a segment and stubbing its cases, in a real `caseledger archive
run` process: nothing is lost, nothing is half-done, and the next run finishes the job."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from caseledger.core import clock
from tests.procs import caseledger, isolated_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Every closed demo case (made at the suite's date) is inactive long enough by then.
FUTURE = (clock.now() + dt.timedelta(days=5 * 366)).date().isoformat()

COUNT = """
import django, json
django.setup()
from caseledger.cases.models import Case, CaseNote
from caseledger.journal.models import Entry
print(json.dumps({
    "closed": Case.objects.filter(status="closed", restricted_at__isnull=True).count(),
    "archived": Case.objects.filter(archived_at__isnull=False).count(),
    "blank": Case.objects.filter(archived_at__isnull=False, description="").count(),
    "notes_of_archived": CaseNote.objects.filter(case__archived_at__isnull=False).count(),
    "archive_entries": Entry.objects.filter(action="case.archive").count(),
}))
"""


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _counts(env) -> dict:
    out = _ok(caseledger(env, "shell", "-c", COUNT.replace("django.setup()", ""))).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("point", ["after-fsync", "after-register"])
def test_a_run_killed_between_segment_and_stubs_loses_nothing(tmp_path, point):
    with isolated_env(tmp_path) as env:
        _ok(caseledger(env, "migrate", "-v0"))
        _ok(caseledger(env, "demo", "--cases", "60", "--seed", "5"))
        before = _counts(env)
        archived_by_demo = before["archived"]  # the demo archives a few itself
        store = tmp_path / "data" / "archive"
        files_before = set(store.iterdir()) if store.is_dir() else set()

        killed = caseledger(
            {**env, "CASELEDGER_ARCHIVE_KILL_AT": point},
            "archive", "run", "--on", FUTURE, "--batch-size", "10",
        )  # fmt: skip
        assert killed.returncode == -9, killed.stdout + killed.stderr

        # The segment is sealed in the store, but no case became a stub.
        after_kill = _counts(env)
        assert after_kill == before
        new_files = [p for p in set(store.iterdir()) - files_before if not p.name.startswith(".")]
        assert sorted(p.suffix for p in new_files) == [".json", ".zst"]

        rerun = json.loads(_ok(caseledger(env, "archive", "run", "--on", FUTURE, "--json")).stdout)
        assert rerun["recovered"] == {"completed": 1, "discarded": 0}
        done = _counts(env)
        # every closed case is archived now, except those the demo put under legal hold
        assert done["archived"] + rerun["skipped_held"] == done["closed"]
        assert done["archived"] > archived_by_demo
        assert done["blank"] == done["archived"] and done["notes_of_archived"] == 0
        assert done["archive_entries"] == done["archived"]  # each case stubbed exactly once
        verified = json.loads(_ok(caseledger(env, "archive", "verify", "--json")).stdout)
        assert verified["ok"] and verified["records"] == done["archived"]
        assert verified["unregistered"] == []
        _ok(caseledger(env, "journal", "verify"))
