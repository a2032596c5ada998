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
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator

from django.db import connection

_process_lock = threading.Lock()
_holder = threading.local()  # depth 1 in the thread that holds the lock
_files: dict[str, int] = {}  # lock file path -> this process's descriptor
_files_lock = threading.Lock()
_pid = os.getpid()
POLL = 0.0003  # seconds between tries for the other processes' lock (one poller per process)


def _path() -> str | None:
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name.startswith("file:") or ":memory:" in name:
        return None
    return f"{name}.writelock"


def _descriptor(path: str) -> int:
    global _pid
    with _files_lock:
        if _pid != os.getpid():  # forked (gunicorn workers): a flock must not be shared
            _files.clear()
            _pid = os.getpid()
        if path not in _files:
            _files[path] = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return _files[path]


def _timeout() -> float:
    return float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold the writers' queue (a no-op where it does not apply)."""
    path = _path()
    depth: int = getattr(_holder, "depth", 0)
    if path is None or depth:
        # A thread that holds it already (an on_commit hook that writes again) goes on.
        yield
        return
    deadline = time.monotonic() + _timeout()
    if not _process_lock.acquire(timeout=_timeout()):
        yield  # stuck elsewhere: SQLite's busy timeout decides, as before
        return
    try:
        fd = _descriptor(path)
        locked = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(POLL)
        _holder.depth = 1
        try:
            yield
        finally:
            _holder.depth = 0
            if locked:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _process_lock.release()
