from __future__ import annotations

import logging
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils.module_loading import autodiscover_modules
from huey.consumer import Consumer

from caseledger.core.command import CaseledgerCommand
from caseledger.core.logging import get_logger

log = get_logger("caseledger.worker")


class _Consumer(Consumer):
    """Both SIGINT and SIGTERM finish the running jobs before stopping: supervisors
    (systemd, containers, `caseledger up`) send SIGTERM and expect a clean stop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signal_actions[signal.SIGINT] = (False, True)
        self._signal_actions[signal.SIGTERM] = (False, True)


class Command(CaseledgerCommand):
    help = (
        "Run the background worker: the huey consumer with caseledger's periodic jobs "
        "(a heartbeat every minute, a signed journal checkpoint every "
        "JOURNAL_CHECKPOINT_MINUTES). It beats and checkpoints once at start. "
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

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            raise CommandError(
                "huey runs in immediate mode here (test settings or DEBUG); "
                "the worker needs a queue: set HUEY['immediate'] = False"
            )
        autodiscover_modules("tasks")
        from caseledger.core.tasks import beat
        from caseledger.journal.tasks import checkpoint

        # The first beat and checkpoint come now, not at the next tick, so a fresh
        # start is healthy at once; a failure here means the worker cannot do its job.
        try:
            beat()
            checkpoint()
        except Exception as exc:
            raise CommandError(f"the worker cannot start: {type(exc).__name__}: {exc}") from exc
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
        log.info(
            "worker.start",
            queue=HUEY.name,
            workers=consumer.workers,
            tasks=sorted(HUEY._registry._registry),
        )
        consumer.run()
        log.info("worker.stop")
