from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from caseledger.cli import balance, ports, webserver
from caseledger.core.command import CaseledgerCommand
from caseledger.journal import group_commit


class Command(CaseledgerCommand):
    help = (
        "Serve the web UI and the REST API with gunicorn (threaded workers). Access lines "
        "are off unless --access-log, then one JSON line per request on stdout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        workers, threads = webserver.serving_model()
        parser.add_argument(
            "--workers",
            type=int,
            default=workers,
            help=f"worker processes (default: one per usable CPU core, at least 2; here {workers})",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=threads,
            help=f"threads per worker process (default {threads})",
        )
        parser.add_argument(
            "--access-log", action="store_true", help="log every request as a JSON line on stdout"
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=20,
            help="seconds to finish requests on SIGTERM (default 20)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("workers", "threads"):
            if options[name] < 1:
                from caseledger.core.errors import ValidationFailed

                raise ValidationFailed(_("must be at least 1"), field=name)
        ports.ensure_free(options["host"], options["port"])
        # Assets are served from the apps (finders); an existing STATIC_ROOT keeps whitenoise
        # from warning about a missing directory in every worker.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # Workers fork from this process; they must not share its database connections.
        connections.close_all()
        if settings.SQLITE_GROUP_COMMIT and options["threads"] > 1:
            group_commit.enable()  # inherited by the forked workers
        balance.prepare()  # the workers' shared connection counts, inherited likewise
        webserver.WebServer(
            webserver.options(
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                threads=options["threads"],
                access_log=options["access_log"],
                graceful_timeout=options["graceful_timeout"],
            )
        ).run()
