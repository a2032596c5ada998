"""SQLite writers queue here, not in SQLite's busy handler.

One SQLite database takes one writer at a time. A writer that finds the write lock taken is
put to sleep by SQLite's busy handler for 1, 2, 5, 10, 15, 20, 25, ... ms and retries; it
does not wake when the lock is freed. With four concurrent API clients most writers slept
through several commits: intake fell from 114 requests/s at one client to 55/s at four,
with a p95 of 150 ms (docs/benchmarks.md, issue 16).

So `write_transaction()` first takes this lock: threads of one process queue on a
`threading.Lock` (woken as soon as it is released), and the thread at its head takes an
exclusive `flock` on `<database>.writelock`, which the other processes (web workers, the
job worker, commands) take too. Only then does it BEGIN IMMEDIATE, which then rarely waits.

It orders writers; it guards nothing by itself. SQLite's own lock still serializes every
writer, so a writer that skips this lock (a plain `transaction.atomic()`, another program)
is as safe as before, and a writer that cannot get this lock within the busy timeout goes
on without it and lets SQLite decide. PostgreSQL and in-memory databases do not use it:
there the chain head's row lock (`SELECT ... FOR UPDATE`) already wakes its waiters.

In a threaded server, journal/group_commit.py builds on the same turn and file lock: the
writers queued for the turn share one transaction and one fsync.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator

from django.db import connection

_process_lock = threading.Lock()
_holder = threading.local()  # depth 1 in the thread that holds the lock
_files: dict[str, int] = {}  # lock file path -> this process's descriptor
_files_lock = threading.Lock()
_pid = os.getpid()
_waiting = 0  # threads of this process queued in take_turn()
_waiting_lock = threading.Lock()
POLL = 0.0003  # seconds between tries for the other processes' lock (one poller per process)


def path() -> str | None:
    """The lock file of this connection's database, or None where there is no queue."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name.startswith("file:") or ":memory:" in name:
        return None
    return f"{name}.writelock"


def _descriptor(where: str) -> int:
    global _pid
    with _files_lock:
        if _pid != os.getpid():  # forked (gunicorn workers): a flock must not be shared
            _files.clear()
            _pid = os.getpid()
        if where not in _files:
            _files[where] = os.open(where, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return _files[where]


def _timeout() -> float:
    return float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))


def take_turn() -> bool:
    """Queue for this process's turn to write; False if it did not come within the busy
    timeout (the caller then goes on and lets SQLite decide)."""
    global _waiting
    with _waiting_lock:
        _waiting += 1
    try:
        return _process_lock.acquire(timeout=_timeout())
    finally:
        with _waiting_lock:
            _waiting -= 1


def pass_turn() -> None:
    _process_lock.release()


def others_waiting() -> bool:
    """Whether another thread of this process is queued for its turn."""
    return _waiting > 0


def lock_file() -> bool:
    """Take the other processes' lock (the caller has its process's turn); False if it did
    not come within the busy timeout."""
    where = path()
    if where is None:
        return False
    fd = _descriptor(where)
    deadline = time.monotonic() + _timeout()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(POLL)


def unlock_file() -> None:
    where = path()
    if where is not None:
        fcntl.flock(_descriptor(where), fcntl.LOCK_UN)


@contextlib.contextmanager
def held(first: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the writers' queue (a no-op where it does not apply). `first` runs once the
    process's turn is taken, before the file lock (group_commit: commit a batch left open)."""
    depth: int = getattr(_holder, "depth", 0)
    if path() is None or depth:
        # A thread that holds it already (an on_commit hook that writes again) goes on.
        yield
        return
    if not take_turn():
        yield  # stuck elsewhere: SQLite's busy timeout decides, as before
        return
    try:
        if first is not None:
            first()
        locked = lock_file()
        _holder.depth = 1
        try:
            yield
        finally:
            _holder.depth = 0
            if locked:
                unlock_file()
    finally:
        pass_turn()
