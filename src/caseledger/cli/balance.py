"""Keep-alive connections spread evenly over gunicorn's worker processes.

A process runs Python on one core at a time, and gunicorn's threaded worker keeps a
keep-alive connection in the process that accepted it, for as long as the client keeps it
open. Which process accepts is a race, so four API clients on two workers end up 2/2 only
three times in eight; 3/1 or 4/0 leaves a core idle while the other queues (measured: 155-186
complaints/s unbalanced against 210-265 balanced, docs/benchmarks.md, "keep-alive").

So each worker publishes its count of open connections in memory shared by all workers
(one slot per process), and:

- a worker holding more than the average stops accepting (the others take the next
  connection); it looks again every 50 ms while it is not accepting, since it is not woken
  when another worker's count changes;
- a worker holding at least one connection more than its share answers the next request on
  one of them with `Connection: close` (at most once per 0.1 s), so that client reconnects,
  to a worker below the average.

Nothing is refused and no request is cut: a shed connection gets its whole answer first.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import time
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from caseledger.cli import http_refusals

SLOTS = 64  # worker processes tracked at once (more workers simply go unbalanced)
RECHECK = 0.05  # seconds between looks at the counts while not accepting
SHED_EVERY = 0.1  # seconds between two connections shed by one worker

# Made in the master before it forks (prepare()); inherited by every worker.
_pids: Any = None
_counts: Any = None
_claim_lock: Any = None


def prepare() -> None:
    """Shared slots for the workers to come; call in the master, before gunicorn forks."""
    global _pids, _counts, _claim_lock
    if _pids is None:
        _pids = multiprocessing.RawArray(ctypes.c_int, SLOTS)
        _counts = multiprocessing.RawArray(ctypes.c_int, SLOTS)
        _claim_lock = multiprocessing.Lock()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim(pid: int) -> int | None:
    """A slot for this worker: a free one, or a dead worker's (its count is dropped)."""
    if _pids is None:
        return None
    with _claim_lock:
        for slot in range(SLOTS):
            holder = _pids[slot]
            if holder == 0 or holder == pid or not _alive(holder):
                _pids[slot] = pid
                _counts[slot] = 0
                return slot
    return None


def _total() -> int:
    return sum(_counts[slot] for slot in range(SLOTS) if _pids[slot])


class BalancedThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, with its connection count shared (see the module)."""

    _slot: int | None = None
    _open = 0
    _limit = 0
    _last_shed = 0.0

    def init_process(self) -> None:
        self._slot = _claim(os.getpid())
        self.nr_conns = self._open  # publish
        super().init_process()

    # ThreadWorker counts its connections in `nr_conns` wherever they open and close; the
    # property publishes every change to this worker's slot.
    @property  # type: ignore[override]
    def nr_conns(self) -> int:
        return self._open

    @nr_conns.setter
    def nr_conns(self, value: int) -> None:
        self._open = value
        if self._slot is not None:
            _counts[self._slot] = value

    # ThreadWorker accepts while `nr_conns < worker_connections` (read on every turn of
    # its loop); above the average this answers 0, so it stops.
    @property  # type: ignore[override]
    def worker_connections(self) -> int:
        return self._limit if self._at_most_average() else 0

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._limit = value

    def _at_most_average(self) -> bool:
        if self._slot is None:
            return True
        return self._open * self.cfg.workers <= _total()

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """A request gunicorn refuses while reading it (too long, not HTTP): our own page
        (http_refusals), not gunicorn's bare English one."""
        refusal = http_refusals.refusal_for(exc)
        if refusal is None:
            super().handle_error(req, client, addr, exc)
            return
        self.log.warning(
            "refused a request from %s: %s (%s)", (addr or ("",))[0], refusal.code, exc
        )
        try:
            util.write_nonblock(client, http_refusals.response_bytes(refusal))
        except Exception:  # the client went away; nothing to tell it
            self.log.debug("could not send the refusal")

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        super().wait_for_and_dispatch_events(timeout if self._accepting else RECHECK)

    def shed_if_over(self, req: Any) -> None:
        """Close this request's connection after its answer when this worker holds at least
        one connection more than its share."""
        if self._slot is None or not self.cfg.keepalive:
            return
        workers = self.cfg.workers
        if self._open * workers - _total() < workers:
            return
        now = time.monotonic()
        if now - self._last_shed < SHED_EVERY:
            return
        self._last_shed = now
        req.must_close = True


def pre_request(worker: Any, req: Any) -> None:
    """gunicorn's pre_request hook (its default only logs at debug level)."""
    if isinstance(worker, BalancedThreadWorker):
        worker.shed_if_over(req)
