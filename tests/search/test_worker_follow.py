"""The worker's follower thread indexes a new case within 2 s of its commit, with no
search catching up on its behalf."""

from __future__ import annotations

import threading
import time

from django.db import OperationalError

from caseledger.search.backends import backend
from caseledger.search.tasks import start_follower
from tests.factories import make_case


def test_the_worker_indexes_a_new_case_within_two_seconds_of_commit(
    transactional_db, people, customer, settings
):
    settings.SEARCH_SYNC_MAX_ENTRIES = 0
    settings.SEARCH_FOLLOW_SECONDS = 0.2
    stop = start_follower()
    try:
        case = None
        for _ in range(40):  # the follower's read can hold the shared test database's tables
            try:
                case = make_case(people.agent, customer, description="新开户礼品未收到")
                break
            except OperationalError:
                time.sleep(0.05)
        assert case is not None, "the case could not be written past the follower's reads"
        committed = time.monotonic()
        found_after = None
        while time.monotonic() - committed < 2.0:
            try:  # SQLite's shared in-memory test database locks whole tables
                if backend().existing([case.pk]):
                    found_after = time.monotonic() - committed
                    break
            except OperationalError:
                pass
            time.sleep(0.05)
        assert found_after is not None and found_after < 2.0
    finally:
        stop.set()
        for thread in threading.enumerate():
            if thread.name == "search-follow":
                thread.join(10)
