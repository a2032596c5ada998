"""`caseledger status`: the same health report as /healthz."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from caseledger.core.services import heartbeat_beat
from caseledger.journal.services import checkpoint_create
from tests.cli.helpers import run

pytestmark = pytest.mark.django_db


def test_unhealthy_without_worker_or_checkpoint_exits_1_naming_what_fails():
    with pytest.raises(CommandError, match="unhealthy: worker, checkpoint") as raised:
        run("status")
    assert raised.value.returncode == 1


def test_healthy_once_the_worker_beat_and_a_checkpoint_was_signed(client):
    heartbeat_beat(name="worker")
    checkpoint_create()

    text = run("status").out
    data = run("status", "--json").json()

    assert text.startswith("caseledger is healthy")
    assert data["ok"] is True
    assert set(data["checks"]) == {
        "database",
        "worker",
        "checkpoint",
        "backup",
        "replication",
        "search",
        "notify",
        "inactive_owners",
    }
    assert client.get("/healthz").json()["ok"] is True
