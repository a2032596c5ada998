from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = (
        "Take a backup now (to every configured destination), list the backups each "
        "destination holds, or verify one by re-reading every file of it."
    )
    json_output = True
    verbs = {
        "run": "snapshot the database, attachments and checkpoint log to every destination; "
        "exit 1 when any destination failed",
        "list": "the complete backups at every destination",
        "verify": "re-read a backup at a destination, decrypt it and check every checksum; "
        "exit 1 naming every bad file",
    }

    def add_run_arguments(self, parser):
        lookups.as_option(parser, help="run as this user")

    def add_list_arguments(self, parser):
        pass

    def add_verify_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            metavar="DESTINATION",
            help="a destination name or a directory (default: every destination)",
        )
        parser.add_argument(
            "--snapshot", metavar="ID", help="which backup (default: the latest at each)"
        )

    def handle_run(self, **options: Any) -> None:
        from caseledger.backup.services import backup_run

        run = backup_run(actor=lookups.actor_named(options["as_user"]))
        results = list(run.results.all())
        data = {
            "ok": run.ok,
            "snapshot": run.snapshot_id,
            "journal_head_seq": run.journal_head_seq,
            "bytes": run.archive_bytes,
            "files": run.files,
            "error": run.error,
            "destinations": [
                {
                    "name": r.destination,
                    "location": r.location,
                    "ok": r.ok and r.verified,
                    "error": r.error,
                    "pruned": r.pruned,
                    "duration_ms": r.duration_ms,
                }
                for r in results
            ],
        }
        lines = [
            _("Backup %(snapshot)s: %(bytes)s bytes, %(files)s files, journal head #%(seq)s")
            % {
                "snapshot": run.snapshot_id,
                "bytes": run.archive_bytes,
                "files": run.files,
                "seq": run.journal_head_seq,
            }
        ]
        if run.error:
            lines.append(
                "  " + _("FAILED before any destination: %(error)s") % {"error": run.error}
            )
        for r in results:
            status = f"{_('ok') if r.ok and r.verified else _('FAIL'):<4}"
            extra = f"  {r.error}" if r.error else ""
            pruned = "  " + _("(pruned %(count)s)") % {"count": len(r.pruned)} if r.pruned else ""
            lines.append(f"  {status} {r.destination:<10} {r.location}{pruned}{extra}")
        self.emit(data, "\n".join(lines))
        if not run.ok:
            failed = [r.destination for r in results if not (r.ok and r.verified)]
            message = (
                _("backup %(snapshot)s failed at %(destinations)s")
                % {"snapshot": run.snapshot_id, "destinations": ", ".join(failed)}
                if failed
                else _("backup %(snapshot)s failed: %(error)s")
                % {"snapshot": run.snapshot_id, "error": run.error}
            )
            raise CommandError(message, returncode=1)

    def handle_list(self, **options: Any) -> None:
        from caseledger.backup.queries import backup_list

        items = backup_list()
        lines = []
        for item in items:
            if "error" in item:
                lines.append(
                    f"{item['destination']:<10} "
                    + _("UNREACHABLE %(error)s") % {"error": item["error"]}
                )
                continue
            problems = "; ".join(item.get("problems") or [])
            lines.append(
                f"{item['destination']:<10} {item['snapshot']}  {item.get('engine', '?'):<10} "
                + _("head #%(seq)s  %(bytes)s bytes")
                % {"seq": item.get("journal_head_seq"), "bytes": item.get("bytes")}
                + ("  " + _("PROBLEM: %(problems)s") % {"problems": problems} if problems else "")
            )
        self.emit(items, "\n".join(lines) or _("No backups yet."))

    def handle_verify(self, **options: Any) -> None:
        from caseledger.backup import destinations
        from caseledger.backup.restore import latest, verify_backup

        targets = (
            [destinations.named(options["source"])]
            if options.get("source")
            else destinations.configured()
        )
        reports = []
        for destination in targets:
            snapshot_id = options.get("snapshot") or latest(destination)
            reports.append(verify_backup(destination, snapshot_id))
        lines = []
        for r in reports:
            status = f"{_('ok') if r['ok'] else _('BAD'):<4}"
            lines.append(
                f"{status} {r['destination']:<10} {r['snapshot']}  "
                + _("%(files)s files, %(bytes)s bytes")
                % {"files": r["files_checked"], "bytes": r["bytes_read"]}
            )
            lines += [f"       {p}" for p in r["problems"]]
        self.emit(reports, "\n".join(lines))
        bad = [r for r in reports if not r["ok"]]
        if bad:
            first = bad[0]
            raise CommandError(
                _("backup %(snapshot)s at %(destination)s is damaged: %(problem)s")
                % {
                    "snapshot": first["snapshot"],
                    "destination": first["destination"],
                    "problem": first["problems"][0],
                },
                returncode=1,
            )
