"""`caseledger archive run | verify | show`: closed, inactive cases into checksummed
segments, the segments checked, and an archived case read back (journaled)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option, day_named
from caseledger.cli.subcommands import VerbCommand


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


class Command(VerbCommand):
    help = "Archive closed, inactive cases; verify the archive; show an archived case."
    json_output = True
    verbs = {
        "run": "archive every closed case inactive for CASELEDGER_ARCHIVE_AFTER_DAYS "
        "(held and restricted cases stay); finishes an interrupted run first",
        "verify": "re-read every segment and check every checksum; non-zero exit if any is bad",
        "show": "print an archived case in full, read from its segment (journaled)",
    }

    def _as(self, parser, required: bool = False) -> None:
        as_option(parser, required=required, help="act as this user")

    def add_run_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="archive at most this many cases")
        parser.add_argument("--on", metavar="DATE", help="the day to judge inactivity on")
        parser.add_argument("--batch-size", type=int, default=1000, help="cases per segment")
        self._as(parser)

    def add_verify_arguments(self, parser):
        pass

    def add_show_arguments(self, parser):
        parser.add_argument("reference", help="CL-2026-000123 or a case id")
        self._as(parser)

    def handle_run(self, **options: Any) -> None:
        from caseledger.archive.queries import eligible
        from caseledger.archive.services import archive_run
        from caseledger.cli.lookups import actor_named

        on = day_named(options.get("on"))
        # Counting the eligible cases scans the table: with --limit the bar uses the limit.
        limit = options.get("limit")
        total = limit if limit is not None else eligible(on).count()
        bar = self.progress(total, "archiving")
        result = archive_run(
            actor=actor_named(options.get("as_user")),
            on=on,
            limit=options.get("limit"),
            batch_size=options["batch_size"],
            progress=bar.update,
        )
        bar.close()
        rec = result["recovered"]
        ratio = result["raw_bytes"] / result["stored_bytes"] if result["stored_bytes"] else 0
        lines = [
            _(
                "Archived %(cases)s case(s) into %(segments)s segment(s) at %(store)s "
                "(%(raw)s -> %(stored)s, %(ratio).1fx)."
            )
            % {
                "cases": result["archived"],
                "segments": result["segments"],
                "store": result["store"],
                "raw": _mb(result["raw_bytes"]),
                "stored": _mb(result["stored_bytes"]),
                "ratio": ratio,
            },
            _("Inactive since %(cutoff)s; %(held)s held case(s) skipped.")
            % {"cutoff": result["cutoff"], "held": result["skipped_held"]},
        ]
        if rec["completed"] or rec["discarded"] or result["discarded"]:
            lines.append(
                _(
                    "Interrupted run: %(completed)s segment(s) completed, %(discarded)s "
                    "discarded (their cases stay active)."
                )
                % {
                    "completed": rec["completed"],
                    "discarded": rec["discarded"] + result["discarded"],
                }
            )
        self.emit(result, "\n".join(lines))

    def handle_verify(self, **options: Any) -> None:
        from caseledger.archive.models import ArchivedRecord
        from caseledger.archive.verify import verify_all

        bar = self.progress(ArchivedRecord.objects.count(), "verifying")
        report = verify_all(progress=bar.update)
        bar.close()
        if report.ok:
            text = _(
                "Archive OK: %(segments)s segment(s), %(records)s record(s) at %(store)s; "
                "every checksum matches."
            ) % {"segments": report.segments, "records": report.records, "store": report.store}
        else:
            text = "\n".join([_("Archive verification FAILED:"), *(f"  {p}" for p in report.shown)])
        if report.unregistered:
            text += "\n" + _(
                "%(count)s unregistered file(s) in the store (left by an interrupted run or "
                "purge; the next run removes them)."
            ) % {"count": len(report.unregistered)}
        if not report.ok:
            if self.as_json:
                self.emit(report.as_dict())
            raise CommandError(text if not self.as_json else _("archive verification failed"))
        self.emit(report.as_dict(), text)

    def handle_show(self, **options: Any) -> None:
        from caseledger.archive.services import archive_read
        from caseledger.cases.models import Case
        from caseledger.cli.lookups import actor_named, record_ref

        actor = actor_named(options.get("as_user"))
        ref = record_ref(options["reference"], actor=actor)
        record = archive_read(actor=actor, case=Case.objects.get(pk=ref.object_id))
        case = record["case"]
        lines = [
            f"{case['reference']}  {case['subject']}  (archived; segment {record['segment']}, "
            f"sha256 {record['sha256'][:16]}…, verified)",
            f"status {case['status']}, received {case['received_at']}, closed {case['closed_at']}",
            "",
            case["description"],
            "",
            f"Customer request: {case['customer_request']}",
            f"Resolution: {case['resolution']}",
        ]
        if case["root_cause"]:
            lines.append(f"Root cause: {case['root_cause']}")
        for note in record["notes"]:
            lines.append(f"- [{note['created_at']}] {note['kind']}: {note['body']}")
        for att in record["attachments"]:
            lines.append(f"  attachment {att['filename']} ({att['size']} bytes, {att['sha256']})")
        self.emit(record, "\n".join(lines))
