"""The worker's periodic jobs: heartbeat and signed checkpoint, safe to run twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management.base import CommandError

from caseledger.core import clock
from caseledger.core.health import health
from caseledger.core.models import Heartbeat
from caseledger.core.tasks import beat
from caseledger.journal import checkpoints
from caseledger.journal.tasks import checkpoint
from tests.cli.helpers import run

pytestmark = pytest.mark.django_db


def test_heartbeat_makes_the_worker_healthy_and_records_its_run():
    beat()

    assert health().checks["worker"]["ok"] is True
    assert "pid" in Heartbeat.objects.get(name="worker").detail
    assert Heartbeat.objects.get(name="job:worker.heartbeat").detail["ok"] is True


def test_checkpoint_job_signs_the_head_once_per_tick(people):
    first = checkpoint()
    again = checkpoint()

    assert first["seq"] > 0
    assert again == {"skipped": "head already checkpointed", "seq": first["seq"]}
    assert len(checkpoints.read_log().checkpoints) == 1
    assert Heartbeat.objects.get(name="job:journal.checkpoint").detail["ok"] is True


def test_checkpoint_job_signs_again_when_the_head_moved_or_time_passed(people):
    from caseledger.accounts.services import department_create

    checkpoint()
    department_create(actor=None, code="legal", name="Legal")
    moved = checkpoint()
    with clock.frozen(clock.now() + dt.timedelta(minutes=5)):
        later = checkpoint()

    assert [c.seq for c in checkpoints.read_log().checkpoints] == [
        moved["seq"] - 1,
        moved["seq"],
        later["seq"],
    ]


def test_the_worker_refuses_immediate_mode():
    with pytest.raises(CommandError, match="immediate mode"):
        run("worker")
