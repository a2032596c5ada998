from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from caseledger.cli import lookups
from caseledger.core.command import CaseledgerCommand


class Command(CaseledgerCommand):
    help = (
        "Restore drill: for each destination, restore its latest backup into scratch, verify "
        "every file, the journal chain and its head, compare counts and sampled records with "
        "live, and record the result. Exit 1 when any drill fails (administrators are alerted)."
    )
    json_output = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--destination",
            action="append",
            metavar="NAME",
            help="drill only this destination (repeatable; default: all)",
        )
        lookups.as_option(parser, help="run as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        from caseledger.backup.services import drill_run

        drills = drill_run(
            actor=lookups.actor_named(options["as_user"]), only=options.get("destination")
        )
        data = [
            {
                "destination": d.destination,
                "snapshot": d.snapshot_id,
                "ok": d.ok,
                "duration_ms": d.duration_ms,
                "details": d.details,
            }
            for d in drills
        ]
        lines = []
        for d in drills:
            sample = d.details.get("sample", {})
            lines.append(
                f"{_('ok') if d.ok else _('FAIL'):<4} {d.destination:<10} {d.snapshot_id or '-'}  "
                + _(
                    "%(records)s records, journal head #%(seq)s, %(sampled)s sampled records "
                    "match live, %(seconds).1f s"
                )
                % {
                    "records": d.details.get("records", "?"),
                    "seq": d.details.get("journal", {}).get("head_seq"),
                    "sampled": sample.get("compared", 0),
                    "seconds": d.duration_ms / 1000,
                }
            )
            lines += [f"       {p}" for p in d.details.get("problems", [])]
        self.emit(data, "\n".join(lines) or _("No destination to drill."))
        failed = [d for d in drills if not d.ok]
        if failed:
            raise CommandError(
                _("restore drill failed at %(destinations)s: %(problem)s")
                % {
                    "destinations": ", ".join(d.destination for d in failed),
                    "problem": (failed[0].details.get("problems") or ["?"])[0],
                },
                returncode=1,
            )
