"""SQLite writers queue on journal.writelock before BEGIN IMMEDIATE, so a waiting writer goes
on as soon as the one before it is done instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from caseledger.journal import writelock


@pytest.fixture
def lock_file(tmp_path, monkeypatch):
    path = tmp_path / "caseledger.sqlite3.writelock"
    monkeypatch.setattr(writelock, "path", lambda: str(path))
    return path


def test_a_second_writer_in_the_process_waits_for_the_first(lock_file):
    events: list[str] = []
    first_in = threading.Event()

    def first():
        with writelock.held():
            first_in.set()
            time.sleep(0.2)
            events.append("first done")

    def second():
        first_in.wait()
        with writelock.held():
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert events == ["first done", "second in"]


def test_a_writer_waits_for_another_process_and_goes_on_when_it_lets_go(lock_file):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(lock_file)!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(0.5)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    began = time.monotonic()
    with writelock.held():
        waited = time.monotonic() - began
    holder.wait(timeout=10)
    assert 0.3 < waited < 5


def test_a_writer_holding_the_lock_may_write_again_from_a_commit_hook(lock_file):
    began = time.monotonic()
    with writelock.held(), writelock.held():  # an on_commit hook's write_transaction
        pass
    assert time.monotonic() - began < 1  # not the busy timeout's 30 s
    with writelock.held():  # and it was let go
        pass


@pytest.mark.django_db
def test_the_test_database_and_postgresql_do_not_queue_here():
    # In-memory SQLite (the suite's) and PostgreSQL: the chain head's lock is the queue.
    assert writelock.path() is None
