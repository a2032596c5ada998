"""The index follows the journal from the worker: a thread catches up every
SEARCH_FOLLOW_SECONDS (huey's periodic tasks tick once a minute at most), and a periodic
task each minute does the same should that thread have stopped."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import connections
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core.context import via
from caseledger.core.logging import get_logger
from caseledger.core.tasks import job

log = get_logger("caseledger.search")


@job("search.follow")
def follow() -> dict[str, Any]:
    from caseledger.search import indexer

    return indexer.catch_up()


search_follow = db_periodic_task(crontab(minute="*"), name="search.follow")(follow)


@job("search.similar_build")
def similar_build() -> dict[str, Any]:
    from caseledger.search import similar

    return similar.build()


search_similar_build = db_periodic_task(crontab(minute="17"), name="search.similar_build")(
    similar_build
)


def follow_loop(stop: threading.Event) -> None:
    """Catch up, sleep SEARCH_FOLLOW_SECONDS, again, until `stop` is set."""
    from caseledger.search import indexer

    while not stop.is_set():
        try:
            with via("worker"):
                indexer.catch_up()
        except Exception as exc:  # logged; the next round tries again
            log.warning("search.follow_failed", error=f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()
        stop.wait(settings.SEARCH_FOLLOW_SECONDS)


def start_follower() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=follow_loop, args=(stop,), name="search-follow", daemon=True).start()
    return stop
