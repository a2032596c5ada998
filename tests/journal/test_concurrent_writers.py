"""Two processes writing at once never fork or break the chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from tests.procs import caseledger, isolated_env, python

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PER_WRITER = 60


def test_two_writers_keep_one_unbroken_chain(tmp_path):
    with isolated_env(tmp_path) as env:
        # One customer, one subject: repeat links would add entries in an order the race
        # decides; the count below is exact, so they are off here (tests/workflow has them).
        env["CASELEDGER_REPEAT_WINDOW_DAYS"] = "0"
        assert caseledger(env, "migrate", "-v0").returncode == 0
        setup = python(env, "tests/journal/writer.py", "setup")
        out, err = setup.communicate(timeout=60)
        assert setup.returncode == 0, err
        customer_id = out.strip().splitlines()[-1]
        go = tmp_path / "go"
        writers = [
            python(
                env, "tests/journal/writer.py", "write", name, customer_id, str(PER_WRITER), str(go)
            )
            for name in ("writer-a", "writer-b")
        ]
        go.touch()
        for proc in writers:
            out, err = proc.communicate(timeout=240)
            assert proc.returncode == 0, err[-3000:]
        result = caseledger(
            env,
            "shell",
            "-c",
            (
                "import json; from caseledger.journal.verify import verify_chain; "
                "from caseledger.cases.models import Case; from caseledger.journal.models "
                "import Entry; r = verify_chain(); print(json.dumps({'ok': r.ok, 'entries': "
                "r.entries, 'problems': [str(p) for p in r.problems], 'cases': "
                "Case.objects.count(), 'refs': Case.objects.values('reference').distinct()"
                ".count(), 'seqs': Entry.objects.values('seq').distinct().count()}))"
            ),
        )
        assert result.returncode == 0, result.stderr[-3000:]
        report = json.loads(result.stdout.strip().splitlines()[-1])
    setup_entries = 4  # department, two users, customer
    assert report["problems"] == []
    assert report["ok"]
    assert report["cases"] == report["refs"] == 2 * PER_WRITER
    assert report["entries"] == report["seqs"] == setup_entries + 4 * PER_WRITER
