from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from caseledger.core.command import CaseledgerCommand


class Command(CaseledgerCommand):
    help = (
        "Restore a backup into a new place: a data directory or SQLite file, or a new "
        "PostgreSQL database (postgres://…). The copy is checked (every file, the journal "
        "chain against the checkpoint log that came with the backup, head and counts against "
        "the manifest) before it is put in place. Never over the live database unless "
        "--replace --yes."
    )
    json_output = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            metavar="DESTINATION",
            help="a destination name (primary, secondary, s3 …), a directory of backups, or "
            "'replica': the Litestream replica (SQLite), see --at",
        )
        parser.add_argument(
            "--at",
            metavar="TIME",
            help="with --from replica: the database as of this time, ISO 8601 with a zone "
            "(2026-03-01T12:07:00Z; default: the newest the replica holds)",
        )
        parser.add_argument("--snapshot", metavar="ID", help="which backup (default: the latest)")
        parser.add_argument(
            "--to",
            required=True,
            metavar="PATH_OR_DATABASE_URL",
            help="a new data directory or .sqlite3 file, or a postgres:// URL of a new database",
        )
        parser.add_argument(
            "--files-to",
            metavar="DIR",
            help="PostgreSQL: where attachments and the checkpoint log go "
            "(default: DATA_DIR/restored/SNAPSHOT)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="allow replacing an existing target, the live database included",
        )
        parser.add_argument("--yes", action="store_true", help="confirm --replace")

    def handle(self, *args: Any, **options: Any) -> None:
        """Long because it is the command's script: confirm, restore from a snapshot
        or the replica, mark, report."""
        from caseledger.backup import destinations
        from caseledger.backup.restore import restore

        if options["replace"] and not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError(_("--replace needs --yes (nothing was changed)"))
            answer = input(f"Replace {options['to']} with the backup? Type 'replace': ")
            if answer.strip() != "replace":
                raise CommandError(_("not confirmed; nothing was changed"))
        if options["source"] == "replica":
            from caseledger.backup import replication

            if options.get("snapshot") or options.get("files_to"):
                raise CommandError(
                    _("--from replica takes --at TIME, not --snapshot or --files-to")
                )
            restored = replication.restore_replica(
                at=replication.parse_at(options.get("at")),
                to=options["to"],
                replace=options["replace"],
            )
        elif options.get("at"):
            raise CommandError(
                _(
                    "--at restores to a point in time from the Litestream replica: use "
                    "--from replica (a backup is restored as a whole, pick it with --snapshot)"
                )
            )
        else:
            restored = restore(
                destination=destinations.named(options["source"]),
                snapshot_id=options.get("snapshot"),
                to=options["to"],
                files_to=options.get("files_to"),
                replace=options["replace"],
            )
        if options["source"] != "replica":
            from caseledger.backup.restore import mark_restored

            marked = mark_restored(restored)
            if marked:
                restored.probe["restore_record"] = marked
        data = restored.as_dict()
        what = (
            _("the replica as of %(at)s") % {"at": restored.manifest.get("at")}
            if options["source"] == "replica" and restored.manifest.get("at")
            else _("the replica as of its newest write")
            if options["source"] == "replica"
            else _("backup %(snapshot)s") % {"snapshot": restored.snapshot_id}
        )
        if restored.ok:
            journal = data["journal"]
            text = "\n".join(
                [
                    _("Restored %(what)s from %(source)s to %(target)s in %(seconds).1f s")
                    % {
                        "what": what,
                        "source": restored.destination,
                        "target": restored.target,
                        "seconds": restored.seconds,
                    },
                    "  "
                    + _("records: %(rows)s rows in %(tables)s tables")
                    % {"rows": data["records"], "tables": len(data["counts"])},
                    "  "
                    + _(
                        "journal: %(entries)s entries, head #%(seq)s %(hash)s, verified against "
                        "%(checkpoints)s signed checkpoints"
                    )
                    % {
                        "entries": journal["entries"],
                        "seq": journal["head_seq"],
                        "hash": journal["head_hash"],
                        "checkpoints": journal["checkpoints_checked"],
                    },
                    "  " + _("files:   %(path)s") % {"path": restored.files_dir},
                ]
            )
        else:
            text = (
                _("Restore FAILED; nothing was put in place:")
                + "\n"
                + "\n".join(f"  {p}" for p in restored.problems)
            )
        self.emit(data, text)
        if not restored.ok:
            raise CommandError(
                _("%(what)s did not restore cleanly: %(problem)s")
                % {"what": what, "problem": restored.problems[0]},
                returncode=1,
            )
