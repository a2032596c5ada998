"""/healthz: the database, the worker's heartbeat and the newest checkpoint."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.core import clock
from caseledger.core.services import heartbeat_beat
from caseledger.journal.services import checkpoint_create

pytestmark = pytest.mark.django_db


def test_a_fresh_install_without_worker_or_checkpoint_is_unhealthy(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["checkpoint"]["ok"] is False


def test_a_live_worker_and_a_recent_checkpoint_are_healthy(client):
    heartbeat_beat(name="worker")
    checkpoint_create()
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["ok"] is True


def test_a_stale_heartbeat_turns_it_red(client, settings):
    with clock.frozen(clock.now() - dt.timedelta(minutes=10)):
        heartbeat_beat(name="worker")
    checkpoint_create()
    response = client.get("/healthz")
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False and worker["last_heartbeat_age_seconds"] >= 600


def test_an_old_checkpoint_turns_it_red(client, settings):
    heartbeat_beat(name="worker")
    from caseledger.journal import checkpoints

    old = clock.now() - dt.timedelta(hours=2)
    checkpoints.append_to_log(checkpoints.sign(0, "0" * 64, at=old))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["checkpoint"]["ok"] is False
