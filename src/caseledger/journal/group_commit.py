"""Group commit for SQLite: the writers of one server process that queue for the database
share one transaction and one fsync.

Why: each commit fsyncs the WAL (ADR 0009) while holding SQLite's one write lock, and on a
busy machine the writer then also waits for a core to come back from the fsync, so the lock
is held far longer than the work takes. Measured with four API clients on two cores
(docs/benchmarks.md, issue 16): the same server at `synchronous=NORMAL` (no fsync) recorded
45 % more complaints per second than at FULL.

How: a thread's top-level `write_transaction()` takes its process's turn (journal/writelock.py).
The first writer of a batch takes the file lock and BEGINs on the process's shared write
connection; every writer of the batch runs its service in a SAVEPOINT of that transaction on
that connection, so a refusal or an error rolls back its own work only. When it is done it
either hands the turn to a writer already waiting in this process (the transaction stays
open) or, when none waits or the batch is full, COMMITs. `write_transaction()` returns only
after its batch's COMMIT has returned, with SQLite's own fsync at FULL: an acknowledged write
is on disk exactly as before (ADR 0009's power-loss evidence stands); what changes is that up
to MAX_MEMBERS acknowledgements share one fsync. A COMMIT that fails fails every writer of
the batch, none of which had answered. Each writer's `transaction.on_commit` callbacks run
afterwards in its own thread, in its own context.

Only where it can help and where it is switched on: SQLite in a file, in a process that
serves several threads (`caseledger serve` calls `enable()`; CASELEDGER_SQLITE_GROUP_COMMIT=0
turns it off). Commands and the job worker write alone, as before, and so does a thread that
holds `solo()` (a bulk load with its own connection settings). PostgreSQL commits concurrently
and shares WAL flushes by itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from caseledger.journal import writelock

log = logging.getLogger("caseledger.journal")

# A batch ends when no writer of the process waits, or at this many writers: each one's
# answer waits for the batch's COMMIT, so this bounds the latency it can add.
MAX_MEMBERS = 8

_enabled = False
_solo = threading.local()
# Committed batches and the writers they held, in this process (for tests and benchmarks).
stats = {"batches": 0, "writers": 0}


def enable(on: bool = True) -> None:
    """Switch group commit on (or off) for this process and the workers it forks."""
    global _enabled
    _enabled = on


@contextlib.contextmanager
def solo() -> Iterator[None]:
    """This thread's writes go alone on its own connection (one with its own PRAGMAs)."""
    depth = getattr(_solo, "depth", 0)
    _solo.depth = depth + 1
    try:
        yield
    finally:
        _solo.depth = depth


def applies() -> bool:
    return _enabled and not getattr(_solo, "depth", 0) and writelock.path() is not None


class BatchFailed(DatabaseError):
    """The shared transaction this write was part of could not be committed."""


class _Batch:
    __slots__ = ("done", "error", "members")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.members = 0


class _Writer:
    """The process's shared write connection and the batch open on it. Touched only by
    the thread holding the process's turn."""

    def __init__(self) -> None:
        self.connection: Any = None
        self.outer: transaction.Atomic | None = None
        self.batch: _Batch | None = None
        self.file_locked = False
        self.pid = os.getpid()

    def shared(self) -> Any:
        if self.connection is None:
            created = connections.create_connection(DEFAULT_DB_ALIAS)
            created.inc_thread_sharing()  # used by whichever thread holds the turn
            self.connection = created
        return self.connection

    def begin(self) -> _Batch:
        self.file_locked = writelock.lock_file()
        try:
            self.outer = transaction.atomic(using=DEFAULT_DB_ALIAS)
            self.outer.__enter__()
        except BaseException:
            self.outer = None
            self.drop()
            raise
        self.batch = _Batch()
        return self.batch

    def commit(self, batch: _Batch) -> None:
        """COMMIT the batch (or learn it cannot be), then wake its writers."""
        shared, outer = self.connection, self.outer
        try:
            assert outer is not None
            raw = shared.connection
            if shared.needs_rollback or raw is None or not raw.in_transaction:
                # Rolled back under us (an error SQLite answers by ending the transaction):
                # Django's exit would roll back quietly, and the writers would believe it.
                raise BatchFailed("the shared transaction was rolled back; nothing was written")
            outer.__exit__(None, None, None)
            stats["batches"] += 1
            stats["writers"] += batch.members
        except BaseException as error:
            batch.error = error
            log.error("group commit failed for %d writer(s): %s", batch.members, error)
            self.drop()
        finally:
            self.outer, self.batch = None, None
            if self.file_locked:
                writelock.unlock_file()
                self.file_locked = False
            batch.done.set()

    def drop(self) -> None:
        """Close the shared connection (rolling back whatever it held); a new one is made."""
        shared, self.connection = self.connection, None
        if shared is not None:
            shared.in_atomic_block = False
            shared.needs_rollback = False
            shared.savepoint_ids = []
            shared.run_on_commit = []
            with contextlib.suppress(Exception):
                shared.close()
        if self.file_locked:
            writelock.unlock_file()
            self.file_locked = False


_writer = _Writer()


def _state() -> _Writer:
    global _writer
    if _writer.pid != os.getpid():  # forked: the parent's connection is not ours
        _writer = _Writer()
    return _writer


def alone() -> contextlib.AbstractContextManager[None]:
    """The writers' queue for a thread that writes on its own connection (where group commit
    does not apply). In a server, its turn may come while a batch is open, its writers
    waiting for their COMMIT (the turn was handed on for a writer queued behind): that batch
    is committed first, or this thread would wait on SQLite's lock for a transaction that
    only it could end."""
    return writelock.held(first=_commit_open_batch)


def _commit_open_batch() -> None:
    writer = _state()
    if writer.batch is None:
        return
    own = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = writer.connection
    try:
        writer.commit(writer.batch)
    finally:
        connections[DEFAULT_DB_ALIAS] = own


@contextlib.contextmanager
def joined() -> Iterator[None]:
    """Run the caller's transaction as a member of this process's batch (see the module).
    The caller opens `transaction.atomic()` inside, which is the member's savepoint."""
    if not writelock.take_turn():
        yield  # stuck elsewhere: a transaction of its own, SQLite's busy timeout decides
        return
    writer = _state()
    own = connections[DEFAULT_DB_ALIAS]
    batch: _Batch | None = None
    mine: list[tuple[Any, Any, bool]] = []
    swapped = False
    try:
        shared = writer.shared()
        connections[DEFAULT_DB_ALIAS] = shared
        swapped = True
        batch = writer.batch or writer.begin()
        batch.members += 1
        mark = len(shared.run_on_commit)
        try:
            yield
        finally:
            # This writer's callbacks run in its own thread once the batch is committed; a
            # savepoint that rolled back has removed its own already.
            mine = shared.run_on_commit[mark:]
            del shared.run_on_commit[mark:]
            if batch.members >= MAX_MEMBERS or not writelock.others_waiting():
                writer.commit(batch)
    finally:
        if swapped:
            connections[DEFAULT_DB_ALIAS] = own
        writelock.pass_turn()
    # Only a writer whose own work succeeded gets here.
    batch.done.wait()
    if batch.error is not None:
        raise BatchFailed(f"not recorded: the write could not be committed ({batch.error})")
    for _sids, callback, robust in mine:
        if robust:
            try:
                callback()
            except Exception:
                log.exception("an on_commit callback failed")
        else:
            callback()
