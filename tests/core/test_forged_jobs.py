"""An attacker who can write into the job queue (jobs.sqlite3 beside the database, or
Redis) cannot make the worker run code: a job is pickled, and unpickling runs whatever the
pickle names, so every job is signed with a key derived from SECRET_KEY and an unsigned or
wrongly signed one is refused before it is unpickled."""

from __future__ import annotations

import pickle

import pytest
from django.conf import settings
from huey import SqliteHuey
from huey.serializer import SignedSerializer

from tests.core.planted import Planted


@pytest.fixture
def queue(tmp_path):
    # The queue as the worker reads it: the configured serializer, real SQLite storage.
    return SqliteHuey("forged", filename=str(tmp_path / "jobs.sqlite3"), **_serializer())


def _serializer() -> dict:
    return {"serializer": settings.HUEY.get("serializer")}


def test_the_worker_refuses_a_job_written_into_its_queue_without_the_key(queue, tmp_path):
    marker = tmp_path / "ran"
    queue.storage.enqueue(pickle.dumps(Planted(marker)), 0)

    with pytest.raises(ValueError):
        queue.dequeue()

    assert not marker.exists()


def test_a_job_signed_with_another_key_is_refused_too(queue, tmp_path):
    marker = tmp_path / "ran"
    other = SignedSerializer(secret="not the installation's key", salt="caseledger.jobs")
    queue.storage.enqueue(other.serialize(Planted(marker)), 0)

    with pytest.raises(ValueError):
        queue.dequeue()

    assert not marker.exists()


def test_the_installations_own_jobs_pass(queue):
    @queue.task()
    def add(a, b):
        return a + b

    add(2, 3)
    task = queue.dequeue()
    assert queue.execute(task) == 5
