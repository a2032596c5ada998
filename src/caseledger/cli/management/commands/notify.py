"""`caseledger notify run|lag|prefs`: notifications (docs/operations/notifications.md)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import ValidationFailed


class Command(VerbCommand):
    help = "Follow the journal into notifications and mail what is due; per-person settings."
    json_output = True
    verbs = {
        "run": "follow the journal and mail what is due now (the worker does it each minute)",
        "lag": "how far the notifications and webhooks are behind the journal",
        "prefs": "set a person's e-mail preferences (as that person; journaled)",
    }

    def add_run_arguments(self, parser):
        pass

    def add_lag_arguments(self, parser):
        pass

    def add_prefs_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--language", choices=["", "zh-hans", "en"])
        parser.add_argument("--mode", choices=["immediate", "digest", "off"])
        parser.add_argument("--digest-hour", dest="digest_hour")
        parser.add_argument("--quiet", help="HH-HH local hours without mail, e.g. 22-8; 'none'")
        parser.add_argument("--timezone")

    def handle_run(self, **options: Any) -> None:
        from caseledger.core.context import via
        from caseledger.notify import follow
        from caseledger.notify.mail import send_due

        with via("cli"):
            followed = follow.catch_up()
            mailed = send_due()
        self.emit(
            {**followed, **mailed},
            f"{followed['notifications']} new notifications; {mailed['mails']} mails sent.",
        )

    def handle_lag(self, **options: Any) -> None:
        from caseledger.notify import follow

        lag = follow.lag()
        self.emit(lag, f"{lag['entries']} journal entries not yet followed.")

    def handle_prefs(self, **options: Any) -> None:
        from caseledger.notify.services import preference_set

        user = lookups.actor_named(options["username"])
        data: dict[str, Any] = {
            k: options[k]
            for k in ("language", "mode", "digest_hour", "timezone")
            if options[k] is not None
        }
        quiet = options["quiet"]
        if quiet is not None:
            if quiet == "none":
                data["quiet_start"] = data["quiet_end"] = None
            else:
                start, sep, end = quiet.partition("-")
                if not sep:
                    raise ValidationFailed(_("give quiet hours as HH-HH, e.g. 22-8"), field="quiet")
                data["quiet_start"], data["quiet_end"] = start.strip(), end.strip()
        pref = preference_set(actor=user, data=data)
        row = {
            "user": user.username,
            "language": pref.language,
            "mode": pref.mode,
            "digest_hour": pref.digest_hour,
            "quiet_start": pref.quiet_start,
            "quiet_end": pref.quiet_end,
            "timezone": pref.timezone,
        }
        self.emit(row, " ".join(f"{k}={v}" for k, v in row.items()))
