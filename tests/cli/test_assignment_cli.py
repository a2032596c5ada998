"""`caseledger assign …`, `caseledger absence …`, `caseledger visibility …`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management.base import CommandError

from caseledger.core import clock
from caseledger.journal.queries import history
from caseledger.workflow.models import Absence, AssignmentRule
from tests.cli.helpers import run

pytestmark = pytest.mark.django_db


def test_an_administrator_keeps_rules_absences_and_visibility_from_the_cli(people):
    run("assign", "add", "--name", "卡", "--department", "sales", "--category", "billing",
        "--strategy", "round_robin", "--as", "adam")  # fmt: skip
    rule = AssignmentRule.objects.get()
    run("assign", "edit", str(rule.pk), "--position", "7", "--inactive", "--as", "adam")
    listed = run("assign", "rules", "--json").json()
    assert listed[0]["position"] == 7 and listed[0]["is_active"] is False
    with clock.frozen(dt.datetime(2030, 1, 2, 10, tzinfo=dt.UTC)):
        run("absence", "add", "alice", "--from", "2030-01-01", "--to",
            "2030-01-05", "--reason", "年假")  # fmt: skip
        listed = run("absence", "list", "--user", "alice", "--json").json()
    away = Absence.objects.get()
    assert listed[0]["reason"] == "年假"
    run("absence", "cancel", str(away.pk), "--reason", "stays")
    run("visibility", "set", "supervisor", "phone", "department", "--as", "adam")
    rows = run("visibility", "list", "--json").json()
    assert {"role": "supervisor", "field": "phone", "scope": "department"} in rows
    run("assign", "remove", str(rule.pk), "--as", "adam")
    assert not AssignmentRule.objects.exists()
    actions = [e.action for e in history(f"assignment_rule:{rule.pk}")]
    assert actions == ["assign.rule_set", "assign.rule_set", "assign.rule_remove"]


def test_cli_refusals_name_the_problem(people):
    with pytest.raises(CommandError, match="strategy"):
        run("assign", "add", "--name", "x", "--department", "sales", "--strategy", "dice")
    with pytest.raises(CommandError, match="assignment rule 42 does not exist"):
        run("assign", "remove", "42")
    with pytest.raises(CommandError, match="settings"):
        run("assign", "add", "--name", "x", "--department", "sales", "--strategy",
            "round_robin", "--as", "alice")  # fmt: skip
    with pytest.raises(CommandError, match="not a date"):
        run("absence", "add", "alice", "--from", "monday", "--to", "friday", "--reason", "x")
    with pytest.raises(CommandError, match="is not one of"):
        run("visibility", "set", "agent", "phone", "always")
