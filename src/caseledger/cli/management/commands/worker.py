from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from huey.consumer import Consumer

from caseledger.cli.processes import Child
from caseledger.core.command import CaseledgerCommand
from caseledger.core.logging import get_logger

log = get_logger("caseledger.worker")
READY = "worker.ready"  # the heartbeat `up` waits for before it prints the way in


class _Consumer(Consumer):
    """Both SIGINT and SIGTERM finish the running jobs before stopping: supervisors
    (systemd, containers, `caseledger up`) send SIGTERM and expect a clean stop."""

    quiet = False  # after start-up, only warnings and errors (`--quiet`)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signal_actions[signal.SIGINT] = (False, True)
        self._signal_actions[signal.SIGTERM] = (False, True)

    def start(self) -> None:
        """After huey's start-up lines are out, say so (`worker.ready`, with this pid):
        `caseledger up` waits for it so that the way in is the last thing it prints."""
        from caseledger.core.services import heartbeat_beat

        super().start()
        for handler in logging.getLogger().handlers + logging.getLogger("huey").handlers:
            handler.flush()
        try:
            heartbeat_beat(name=READY, detail={"pid": os.getpid()})
        finally:
            connections.close_all()
        if self.quiet:
            # Every job logs its start and end, a dozen lines a minute: in the terminal of
            # `caseledger up` they would push the way in off the screen within a minute.
            for name in ROUTINE_LOGGERS:
                logging.getLogger(name).setLevel(logging.WARNING)


ROUTINE_LOGGERS = ("huey", "caseledger.jobs")  # a job's start, end and scheduling

IMMEDIATE = gettext_noop(
    "huey runs in immediate mode here (test settings or DEBUG); "
    "the worker needs a queue: set HUEY['immediate'] = False"
)


class Command(CaseledgerCommand):
    help = (
        "Run the background worker: the huey consumer with caseledger's periodic jobs "
        "(a heartbeat every minute, a signed journal checkpoint every "
        "JOURNAL_CHECKPOINT_MINUTES; the search index follows the journal every "
        "SEARCH_FOLLOW_SECONDS). It beats and checkpoints once at start. "
        "SIGINT or SIGTERM lets running jobs finish, then stops."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="job threads (default from HUEY['consumer'], 2)",
        )
        parser.add_argument(
            "--shutdown-timeout",
            type=float,
            default=30.0,
            help="seconds to wait for running jobs on stop (default 30)",
        )
        parser.add_argument(
            "--replicate",
            action="store_true",
            help="also run Litestream (continuous replication of SQLite) as a child, for "
            "deployments that run the worker without `caseledger up`",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="after start-up, log only warnings and errors, not every job's start and "
            "end (what `caseledger up` runs in a terminal)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            raise CommandError(_(IMMEDIATE))
        autodiscover_modules("tasks")
        from caseledger.core.tasks import beat
        from caseledger.journal.tasks import checkpoint

        # The first beat and checkpoint come now, not at the next tick, so a fresh
        # start is healthy at once; a failure here means the worker cannot do its job.
        try:
            beat()
            checkpoint()
        except Exception as exc:
            raise CommandError(
                _("the worker cannot start: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"}
            ) from exc
        finally:
            connections.close_all()

        huey_settings: dict[str, Any] = settings.HUEY if isinstance(settings.HUEY, dict) else {}
        config: dict[str, Any] = dict(huey_settings.get("consumer") or {})
        if options["workers"]:
            config["workers"] = options["workers"]
        config.setdefault("worker_type", "thread")
        config["shutdown_timeout"] = options["shutdown_timeout"]
        huey_logger = logging.getLogger("huey")
        huey_logger.setLevel(logging.INFO)
        consumer = _Consumer(HUEY, **config)
        consumer.quiet = options["quiet"]
        log.info(
            "worker.start",
            queue=HUEY.name,
            workers=consumer.workers,
            tasks=sorted(HUEY._registry._registry),
        )
        replication = self._start_replication() if options["replicate"] else None
        from caseledger.search.tasks import start_follower

        stop_follower = start_follower()
        try:
            consumer.run()
        finally:
            stop_follower.set()
            if replication is not None:
                replication.stop()
        log.info("worker.stop")
        if replication is not None and replication.died_with is not None:
            raise CommandError(
                _(
                    "Litestream stopped unexpectedly (exit code %(code)s); "
                    "the worker stopped too, so that a supervisor restarts both"
                )
                % {"code": replication.died_with},
                returncode=1,
            )

    def _start_replication(self) -> _Replication:
        from caseledger.backup import replication

        if not replication.enabled():
            raise CommandError(
                "--replicate: " + _(replication.POSTGRES_NOTE)
                if connections["default"].vendor == "postgresql"
                else _("--replicate: replication is off (CASELEDGER_LITESTREAM_REPLICA=off)")
            )
        child = Child(
            "replication (Litestream)",
            replication.replicate_argv(),
            extra_env=replication.child_env(),
        )
        # Started from the main thread: the kernel's parent-death signal follows the thread
        # that forked, and this one lives as long as the worker.
        child.start(dict(os.environ))
        log.info("worker.replication.start", pid=child.pid, replica=replication.describe())
        watched = _Replication(child)
        threading.Thread(target=watched.watch, name="litestream-watch", daemon=True).start()
        return watched


class _Replication:
    """Litestream beside the worker: if it dies, the worker stops (exit 1) rather than run
    on without replication and look healthy."""

    def __init__(self, child: Child) -> None:
        self.child = child
        self.stopping = False
        self.died_with: int | None = None

    def watch(self) -> None:
        assert self.child.process is not None
        code = self.child.process.wait()
        if not self.stopping:
            self.died_with = code
            log.error("worker.replication.died", exit_code=code)
            os.kill(os.getpid(), signal.SIGTERM)

    def stop(self) -> None:
        self.stopping = True
        self.child.signal(signal.SIGTERM)
        assert self.child.process is not None
        try:
            self.child.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.child.kill_group()
