from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "See and lift sign-in lockouts (too many wrong passwords or API tokens)."
    json_output = True
    verbs = {
        "list": "accounts and addresses with counted failures, newest first",
        "clear": "lift the lockout of an account or an address (journaled)",
    }

    def add_list_arguments(self, parser):
        pass

    def add_clear_arguments(self, parser):
        parser.add_argument("--user", help="the account to unlock")
        parser.add_argument("--address", help="the address to unlock")
        parser.add_argument("--reason", required=True, help="why, for the journal")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def handle_list(self, **options: Any) -> None:
        from axes.models import AccessAttempt
        from django.conf import settings

        rows = [
            {
                "account": a.username,
                "address": a.ip_address,
                "failures": a.failures_since_start,
                "last_failure": a.attempt_time,
                "locked": a.failures_since_start >= settings.AXES_FAILURE_LIMIT,
            }
            for a in AccessAttempt.objects.order_by("-attempt_time")
        ]
        lines = [f"{'ACCOUNT':<20} {'ADDRESS':<40} {'FAILURES':>8}  LAST FAILURE"]
        lines += [
            f"{(r['account'] or '-'):<20} {(r['address'] or '-'):<40} {r['failures']:>8}  "
            f"{r['last_failure']:%Y-%m-%d %H:%M:%S}{'  (locked)' if r['locked'] else ''}"
            for r in rows
        ]
        self.emit(rows, "\n".join(lines) if rows else _("No failed sign-ins are counted."))

    def handle_clear(self, **options: Any) -> None:
        from caseledger.accounts.services import lockout_clear

        actor = lookups.actor_named(options["as_user"])
        forgotten = lockout_clear(
            actor=actor,
            username=options.get("user"),
            address=options.get("address"),
            reason=options["reason"],
        )
        who = f" {_('and')} ".join(x for x in (options.get("user"), options.get("address")) if x)
        self.emit(
            {"forgotten": forgotten},
            _("Unlocked %(who)s: %(count)s failure(s) forgotten.")
            % {"who": who, "count": forgotten},
        )
