"""The worker's heartbeat, and `job`: how every periodic job runs and is recorded.

A job runs as the worker (`via("worker")`), logs its start and its outcome, and leaves its
last run in the heartbeat table as `job:<name>`, so an operator can see when each job last
ran and whether it worked. Jobs must be safe to run twice: huey retries, and several
consumers on one queue each schedule the periodic ones.
"""

from __future__ import annotations

import functools
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caseledger.core import clock
from caseledger.core.context import via
from caseledger.core.logging import get_logger
from caseledger.core.services import heartbeat_beat

log = get_logger("caseledger.jobs")
_STARTED_AT = clock.now()


def job(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            log.info("job.start", job=name)
            try:
                with via("worker"):
                    result = fn(*args, **kwargs)
            except Exception as exc:
                elapsed = round((time.monotonic() - started) * 1000)
                log.exception("job.failed", job=name, duration_ms=elapsed, error=type(exc).__name__)
                _record(name, {"ok": False, "error": type(exc).__name__, "duration_ms": elapsed})
                raise
            elapsed = round((time.monotonic() - started) * 1000)
            log.info("job.done", job=name, duration_ms=elapsed, result=result)
            _record(name, {"ok": True, "duration_ms": elapsed, "result": result})
            return result

        return run

    return decorate


def _record(name: str, detail: dict[str, Any]) -> None:
    try:
        heartbeat_beat(name=f"job:{name}"[:40], detail=detail)
    except Exception:  # the log line above already tells the story; never mask the job
        log.warning("job.record_failed", job=name)


def worker_identity() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid(), "started_at": _STARTED_AT.isoformat()}


@job("worker.heartbeat")
def beat() -> dict[str, Any]:
    detail = worker_identity()
    heartbeat_beat(name="worker", detail=detail)
    return {"pid": detail["pid"]}


worker_heartbeat = db_periodic_task(crontab(minute="*"), name="worker.heartbeat")(beat)
