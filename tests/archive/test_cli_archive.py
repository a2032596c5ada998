"""`caseledger archive run | verify | show` in this process (test_crash.py runs them for real)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseledger.archive import segments
from caseledger.archive.models import ArchiveSegment
from caseledger.journal.models import Entry
from tests.archive.conftest import closed_case


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("archive", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_run_show_and_verify(people, customer, archive_store):
    case = closed_case(people, customer)
    text = _run("run", "--on", "2026-11-22", "--as", "rita")
    assert "Archived 1 case(s) into 1 segment(s)" in text

    shown = _run("show", case.reference, "--as", "alice")
    assert case.description in shown and "verified" in shown
    assert Entry.objects.filter(action="case.archive_read", actor_name="alice").count() == 1

    report = json.loads(_run("verify", "--json"))
    assert report["ok"] and report["records"] == 1

    bad = ArchiveSegment.objects.get()
    path = archive_store / segments.data_file(bad.name)
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(CommandError, match=bad.name):
        _run("verify")


def test_bad_input_is_named(people, customer):
    with pytest.raises(CommandError, match="not a date"):
        _run("run", "--on", "22/11/2026")
    with pytest.raises(CommandError, match="do not allow you to manage retention schedules"):
        _run("run", "--as", "alice")
    case = closed_case(people, customer)
    with pytest.raises(CommandError, match="not archived"):
        _run("show", case.reference)
