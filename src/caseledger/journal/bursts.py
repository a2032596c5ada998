"""A signed checkpoint at the end of every write burst: when writing stops for
CASELEDGER_CHECKPOINT_IDLE_SECONDS (2), or after CASELEDGER_CHECKPOINT_EVERY_ENTRIES (1000)
entries, whichever comes first; and when a process that wrote exits.

Entries written after the newest checkpoint can be cut without a trace (only the chain
vouches for them), so this keeps that window to the length of a burst instead of the
worker's CASELEDGER_CHECKPOINT_MINUTES. Each process tracks its own commits; a checkpoint
of a head someone already signed is skipped. Signing never fails a write: an error is
logged, and the worker's periodic checkpoint still comes.

Off in the test settings (CASELEDGER_CHECKPOINT_ON_WRITES=0): tests make checkpoints when
they mean to.
"""

from __future__ import annotations

import atexit
import threading
import time

from django.conf import settings
from django.db import connection, transaction

from caseledger.core.logging import get_logger

log = get_logger("caseledger.journal")


class Bursts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending = 0  # entries committed since this process last signed
        self.last_commit = 0.0
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.exit_hook = False

    def committed(self, entries: int) -> None:
        with self.lock:
            self.pending += entries
            self.last_commit = time.monotonic()
            due = self.pending >= settings.JOURNAL_CHECKPOINT_EVERY_ENTRIES
            if due:
                self.pending = 0
            if not self.exit_hook:
                atexit.register(self.at_exit)
                self.exit_hook = True
        if due:
            sign()
            return
        self._start()
        self.wake.set()

    def _start(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name="journal-burst-checkpoints", daemon=True
                )
                self.thread.start()

    def _run(self) -> None:
        idle = settings.JOURNAL_CHECKPOINT_IDLE_SECONDS
        while True:
            self.wake.wait()
            with self.lock:
                if not self.pending:
                    self.wake.clear()
                    continue
                quiet = time.monotonic() - self.last_commit
                if quiet >= idle:
                    self.pending = 0
            if quiet >= idle:
                try:
                    sign()
                finally:
                    connection.close()  # this thread's own connection
            else:
                time.sleep(idle - quiet)

    def at_exit(self) -> None:
        with self.lock:
            pending, self.pending = self.pending, 0
        if pending:
            sign()


_bursts = Bursts()


def note(entries: int) -> None:
    """Called by every journal append (inside its transaction)."""
    if settings.JOURNAL_CHECKPOINT_ON_WRITES and entries:
        transaction.on_commit(lambda: _bursts.committed(entries))


def sign() -> None:
    """Sign the current head unless the newest checkpoint already covers it."""
    from caseledger.journal import checkpoints
    from caseledger.journal.models import ChainHead
    from caseledger.journal.services import checkpoint_create

    try:
        head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
        last = checkpoints.last_in_log()
        if head is None or (last is not None and (last.seq, last.hash) == head):
            return
        checkpoint_create(actor=None)
    except Exception as exc:  # never fail the write that triggered it
        log.warning("journal.burst_checkpoint_failed", error=f"{type(exc).__name__}: {exc}")
