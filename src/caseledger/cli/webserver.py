"""Gunicorn, run from inside the `caseledger` command instead of its own CLI.

Access lines go through structlog, one JSON object per request, so they need no parsing and
a quote in a URL cannot break a line. The query string is left out: it may carry search
terms about customers.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from caseledger.cli import balance, http_refusals
from caseledger.cli.balance import BalancedThreadWorker
from caseledger.core.logging import formatter, get_logger


class AccessLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict, request_time: dt.timedelta) -> None:
        if not self.cfg.accesslog:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        get_logger("caseledger.access").info(
            "http.request",
            method=environ.get("REQUEST_METHOD"),
            path=environ.get("PATH_INFO"),
            status=int(status),
            bytes=getattr(resp, "sent", None),
            remote=environ.get("REMOTE_ADDR"),
            duration_ms=round(request_time.total_seconds() * 1000, 1),
        )

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if cfg.accesslog:
            # Requests go to stdout, apart from the diagnostics on stderr.
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(formatter(json=True))
            access = logging.getLogger("caseledger.access")
            access.handlers[:] = [handler]
            access.propagate = False
            access.setLevel(logging.INFO)


class WebServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from caseledger.wsgi import application

        return application


def warm_up(worker: Any) -> None:
    """Compile every template and load both catalogues before the first request, so the
    first visitor to each worker does not wait half a second for them."""
    from pathlib import Path

    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    root = Path(__file__).resolve().parent.parent / "web" / "templates"
    for path in sorted(root.rglob("*.html")):
        try:
            get_template(str(path.relative_to(root)))
        except (TemplateDoesNotExist, TemplateSyntaxError) as exc:
            worker.log.warning("template %s did not compile: %s", path.name, exc)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            translation.gettext("Cases")


def usable_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def serving_model(cores: int | None = None) -> tuple[int, int]:
    """(workers, threads) for this machine: one process per core, since a request's time is
    Python work that holds the GIL (docs/benchmarks.md, "where a request's time goes"),
    at least two so a slow request never stops the site; eight threads each to overlap the
    database waits (SQLite's write lock, PostgreSQL round trips) and, on SQLite, to let more
    writers share a group commit (journal/group_commit.py): with it, intake at 4 clients ran
    at a median 232/s with 8 threads against 201/s with 4 over five servers each, and the
    same on PostgreSQL (docs/benchmarks.md, "Group commit")."""
    cores = usable_cores() if cores is None else cores
    return max(2, cores), 8


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def options(
    *, host: str, port: int, workers: int, threads: int, access_log: bool, graceful_timeout: int
) -> dict[str, Any]:
    return {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "threads": threads,
        # gthread, with keep-alive connections spread evenly over the workers (balance.py)
        "worker_class": BalancedThreadWorker,
        "pre_request": balance.pre_request,
        "proc_name": "caseledger-web",
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "info",
        "logger_class": AccessLogger,
        "graceful_timeout": graceful_timeout,
        "timeout": 60,
        # The longest request line gunicorn takes: longer addresses than its default 4094
        # reach Django's pages; beyond it gunicorn refuses with http_refusals' page (414).
        "limit_request_line": http_refusals.LINE_LIMIT,
        # Gunicorn's control socket defaults to one shared path in $HOME: two instances
        # would fight over it, and nothing of ours uses it.
        "control_socket_disable": True,
        "post_worker_init": warm_up,
    }
