"""`caseledger import`: a dry run names the bad rows and writes the report; a commit with a
saved mapping; an undo; bad arguments are refused by name."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseledger.cases.models import Case
from tests.intake.spreadsheet.helpers import good_row, write_csv

pytestmark = pytest.mark.clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_a_dry_run_names_each_bad_row_and_writes_the_report(people, tmp_path):
    bad = [*good_row(2)[:3], "", *good_row(2)[4:]]
    path = write_csv(tmp_path / "c.csv", [good_row(1), bad])
    report = tmp_path / "problems.xlsx"
    text = _run(
        str(path), "--as", "alice", "--department", "sales", "--dry-run", "--report", str(report)
    )
    assert "rows=2 bad=1" in text and "row 3 subject: must not be empty" in text
    assert report.read_bytes()[:2] == b"PK" and not Case.objects.exists()


def test_a_commit_with_a_saved_mapping_then_an_undo(people, tmp_path):
    header = ["编号", "类型", "类别", "标题", "时间", "姓名", "手机"]
    names = [
        "external_id",
        "kind",
        "category",
        "subject",
        "received_at",
        "customer_name",
        "customer_phone",
    ]
    path = write_csv(tmp_path / "c.csv", [good_row(1), good_row(2)], header=header)
    columns = json.dumps(dict(zip(names, header, strict=True)), ensure_ascii=False)
    done = json.loads(
        _run(
            str(path),
            "--as",
            "alice",
            "--department",
            "sales",
            "--commit",
            "--columns",
            columns,
            "--save-mapping",
            "crm",
            "--json",
        )
    )
    assert (done["status"], done["cases_created"]) == ("done", 2)
    undone = json.loads(
        _run("--undo", str(done["batch"]), "--as", "alice", "--reason", "wrong", "--json")
    )
    assert undone["status"] == "undone" and not Case.objects.exists()
    again = _run(
        str(path), "--as", "alice", "--department", "sales", "--commit", "--mapping", "crm"
    )
    assert "cases_created=2" in again


def test_a_missing_file_or_mode_is_refused_by_name(people, tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        _run(str(tmp_path / "nope.csv"), "--as", "alice", "--department", "sales", "--commit")
    with pytest.raises(CommandError, match="--dry-run, --commit"):
        _run(str(tmp_path / "nope.csv"), "--as", "alice", "--department", "sales")
