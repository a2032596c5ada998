from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caseledger.cli import bootstrap, ports
from caseledger.cli.processes import Child, Supervisor, answers
from caseledger.core.command import CaseledgerCommand
from caseledger.core.errors import Conflict

READY_TIMEOUT = 90.0
SETTLE_SECONDS = 0.3  # lets the children's last start-up lines reach the terminal first
DEMO_ARGS = ("--cases", "2000", "--seed", "1")


def _worker_ready(pid: int | None) -> bool:
    """The worker has printed its start-up lines (it writes this heartbeat after them)."""
    from caseledger.cli.management.commands.worker import READY
    from caseledger.core.models import Heartbeat

    try:
        detail = Heartbeat.objects.filter(name=READY).values_list("detail", flat=True).first()
    finally:
        connections.close_all()
    return isinstance(detail, dict) and detail.get("pid") == pid


class Command(CaseledgerCommand):
    help = (
        "Start caseledger with one command: migrate the database, create the first "
        "administrator if there is none (password from CASELEDGER_ADMIN_PASSWORD or a "
        "generated one printed once), load demo data into an empty database, then run the "
        "web server and the worker until Ctrl-C or SIGTERM."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument(
            "--no-demo", action="store_true", help="do not load demo data into an empty database"
        )
        parser.add_argument("--no-worker", action="store_true", help="run the web server only")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        ports.ensure_free(host, port)
        self.say(_("Bringing the database up to date …"))
        call_command("migrate", interactive=False, verbosity=0)
        admin = self._first_admin()
        if not options["no_demo"]:
            self._demo()
        connections.close_all()
        self._run(host, port, admin, with_worker=not options["no_worker"])

    def _first_admin(self) -> bootstrap.NewAdmin | None:
        if bootstrap.has_active_admin():
            return None
        from caseledger.accounts.models import User

        if User.objects.filter(username="admin").exists():
            raise Conflict(
                _(
                    "there is no active administrator and the username 'admin' is "
                    "taken: create one with `caseledger createadmin --username NAME`"
                ),
                field="username",
            )
        return bootstrap.admin_create(
            username="admin", password=bootstrap.password_from_env(required=False)
        )

    def _demo(self) -> None:
        from caseledger.cases.models import Case

        if Case.objects.exists():
            return
        if "demo" not in get_commands():
            self.say(_("Demo data skipped: this build has no `caseledger demo` command yet."))
            return
        self.say(_("Loading demo data into the empty database …"))
        call_command("demo", *DEMO_ARGS, stdout=self.stdout, stderr=self.stderr)

    def _run(
        self, host: str, port: int, admin: bootstrap.NewAdmin | None, *, with_worker: bool
    ) -> None:
        command = [sys.executable, "-m", "caseledger"]
        children = [
            Child(
                gettext_noop("web server"), [*command, "serve", "--host", host, "--port", str(port)]
            )
        ]
        if with_worker:
            children.append(Child(gettext_noop("worker"), [*command, "worker", "--quiet"]))
        replication = self._replication_child()
        if replication is not None:
            children.append(replication)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        supervisor = Supervisor(children)
        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        supervisor.install_signal_handlers()
        try:
            for child in children:
                child.start(env)
            url = f"http://{ports.display_host(host)}:{port}/"
            worker = children[1] if with_worker else None
            if supervisor.wait_for(lambda: answers(url + "healthz"), timeout=READY_TIMEOUT) and (
                worker is None
                or supervisor.wait_for(lambda: _worker_ready(worker.pid), timeout=READY_TIMEOUT)
            ):
                # Last, after the web server's and the worker's start-up logs: the way in.
                time.sleep(SETTLE_SECONDS)
                self._announce(
                    url, admin, [c for c in children if c is not replication], replication
                )
                while not supervisor.stop_requested and supervisor.first_dead() is None:
                    time.sleep(0.2)
            elif not supervisor.stop_requested and supervisor.first_dead() is None:
                supervisor.stop_all()
                raise CommandError(
                    _("the web server did not answer at %(url)s within %(seconds)d s; stopped")
                    % {"url": url, "seconds": READY_TIMEOUT}
                )
            self._stop(supervisor)
        finally:
            for child in children:  # never leave a child behind, whatever went wrong
                child.kill_group()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _replication_child(self) -> Child | None:
        from caseledger.backup import replication

        if not replication.enabled():
            if connections["default"].vendor == "postgresql":
                self.say(f"No continuous replication: {_(replication.POSTGRES_NOTE)}.")
            return None
        return Child(
            "replication (Litestream)",
            replication.replicate_argv(),
            extra_env=replication.child_env(),
        )

    def _announce(
        self,
        url: str,
        admin: bootstrap.NewAdmin | None,
        children: list[Child],
        replication: Child | None,
    ) -> None:
        """One write, so nothing comes between its lines; the URL and the login last."""
        # "pid N" and the URL stay as they are in every language: scripts read them.
        lines = [
            ", ".join(f"{_(c.name)} pid {c.pid}" for c in children)
            + ". "
            + _("Press Ctrl-C to stop.")
        ]
        if replication is not None:
            from caseledger.backup.replication import describe

            # Its own line, without "pid": scripts read the pids of web and worker.
            lines.append(
                _("Replicating the database to %(where)s (Litestream, process %(process)s).")
                % {"where": describe(), "process": replication.pid}
            )
        lines.append(_("caseledger is running at %(url)s") % {"url": url})
        lines.append(
            bootstrap.login_text(admin)
            if admin
            else _("Log in with an existing administrator account.")
        )
        self.say("\n".join(lines))

    def _stop(self, supervisor: Supervisor) -> None:
        dead = None if supervisor.stop_requested else supervisor.first_dead()
        if dead is None:
            self.say(_("Stopping …"))
            supervisor.stop_all()
            self.say(_("Stopped."))
            return
        code = dead.exit_code()
        supervisor.stop_all()
        raise CommandError(
            _(
                "the %(process)s stopped unexpectedly (exit code %(code)s); "
                "stopped everything else too"
            )
            % {"process": _(dead.name), "code": code},
            returncode=1,
        )
