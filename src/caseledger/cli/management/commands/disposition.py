"""`caseledger disposition list | propose | approve | reject | extend | execute |
certificate | reapply`: the review of due records, from the command line."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import choice_word, record_word


def _batch(batch: Any) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "schedule": batch.schedule.code,
        "record_type": batch.record_type,
        "action": batch.action,
        "status": batch.status,
        "proposed_by": batch.proposed_by.get_username(),
        "approved_by": batch.approved_by.get_username() if batch.approved_by else None,
        "records": batch.items.count(),
        "certificate": batch.certificate_number or None,
    }


class Command(VerbCommand):
    help = "Review due records: propose, approve, reject, extend, execute; certificates."
    json_output = True
    verbs = {
        "list": "due records by schedule, and the batches",
        "propose": "propose a batch: all due, unheld records of a schedule, or the ones named",
        "approve": "approve a batch (a second person: a supervisor in scope, or compliance)",
        "reject": "reject a batch, with a reason",
        "extend": "keep a record longer: a new due date and a reason",
        "execute": "carry out one approved batch, or every pending one (resumes after a crash)",
        "certificate": "print a certificate of disposition as JSON",
        "reapply": "after a restore: dispose again of what every certificate file names",
    }

    def add_list_arguments(self, parser):
        parser.add_argument("--status", help="only batches in this status")

    def add_propose_arguments(self, parser):
        parser.add_argument("schedule", help="schedule code or id")
        as_option(parser, required=True)
        parser.add_argument("--record", action="append", help="id or case reference (repeat)")
        parser.add_argument("--action", default="", choices=["", "destroy", "anonymize"])
        parser.add_argument("--reason", default="")

    def add_approve_arguments(self, parser):
        parser.add_argument("batch", type=int)
        as_option(parser, required=True)
        parser.add_argument("--reason", default="")

    def add_reject_arguments(self, parser):
        parser.add_argument("batch", type=int)
        as_option(parser, required=True)
        parser.add_argument("--reason", required=True)

    def add_extend_arguments(self, parser):
        parser.add_argument("record_type", choices=["case", "customer"])
        parser.add_argument("record_id", type=int)
        as_option(parser, required=True)
        parser.add_argument("--until", required=True, help="new due date, YYYY-MM-DD")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--batch", type=int, help="the batch the record is in")

    def add_execute_arguments(self, parser):
        parser.add_argument("batch", type=int, nargs="?", help="omit to run every pending one")
        as_option(parser)

    def add_certificate_arguments(self, parser):
        parser.add_argument("number", nargs="?", help="omit to list them")

    def add_reapply_arguments(self, parser):
        parser.add_argument("--from", dest="folder", help="folder of certificate files")

    def handle_list(self, **options: Any) -> None:
        from caseledger.disposition.queries import batch_list, review_list

        due = [{k: v for k, v in r.items() if k != "schedule"} for r in review_list(actor=None)]
        batches = [_batch(b) for b in batch_list(actor=None, status=options.get("status"))]
        lines = [_("Due records by schedule:")] + [
            f"  {r['code']:<30} {r['record_type']:<9} {r['action']:<10} due {r['due']:>6}"
            f"  in review {r['in_review']}"
            for r in due
        ]
        lines += [_("Batches:")] + [
            f"  {b['id']:>5} {b['status']:<9} {b['action']:<10} {b['schedule']:<30} "
            f"{b['records']} record(s) {b['certificate'] or ''}"
            for b in batches
        ]
        self.emit({"due": due, "batches": batches}, "\n".join(lines))

    def handle_propose(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.disposition.services import disposition_propose
        from caseledger.retention.queries import schedule_get

        user = actor_named(options["as_user"])
        batch = disposition_propose(
            actor=user,
            schedule=schedule_get(actor=user, code_or_id=options["schedule"]),
            records=options.get("record"),
            action=options.get("action") or "",
            reason=options.get("reason") or "",
        )
        data = _batch(batch)
        self.emit(
            data,
            _("Proposed batch %(id)s: %(count)s record(s), %(action)s")
            % {"id": batch.pk, "count": data["records"], "action": choice_word(batch, "action")},
        )

    def _decide(self, decision: str, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.disposition import services
        from caseledger.disposition.queries import batch_get

        user = actor_named(options["as_user"])
        batch = batch_get(actor=user, batch_id=options["batch"])
        batch = getattr(services, f"disposition_{decision}")(
            actor=user, batch=batch, reason=options.get("reason") or ""
        )
        self.emit(
            _batch(batch),
            _("Batch %(id)s: %(status)s") % {"id": batch.pk, "status": choice_word(batch)},
        )

    def handle_approve(self, **options: Any) -> None:
        self._decide("approve", **options)

    def handle_reject(self, **options: Any) -> None:
        self._decide("reject", **options)

    def handle_extend(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.disposition.queries import batch_get
        from caseledger.disposition.services import disposition_extend

        user = actor_named(options["as_user"])
        batch = batch_get(actor=user, batch_id=options["batch"]) if options.get("batch") else None
        ext = disposition_extend(
            actor=user,
            record_type=options["record_type"],
            record_id=options["record_id"],
            due_on=options["until"],
            reason=options["reason"],
            batch=batch,
        )
        self.emit(
            {"record_type": ext.record_type, "record_id": ext.record_id, "due_on": ext.due_on},
            _("%(record_type)s %(record_id)s now due on %(due_on)s")
            % {
                "record_type": record_word(ext.record_type),
                "record_id": ext.record_id,
                "due_on": ext.due_on,
            },
        )

    def handle_execute(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.disposition.queries import batch_get
        from caseledger.disposition.services import (
            disposition_execute,
            disposition_execute_pending,
        )

        user = actor_named(options.get("as_user"))
        with self.progress(None, "disposition") as bar:
            if options.get("batch"):
                batch = batch_get(actor=user, batch_id=options["batch"])
                batch = disposition_execute(actor=user, batch=batch, progress=bar.update)
                data: dict[str, Any] = _batch(batch)
                text = _("Batch %(id)s: %(status)s, certificate %(number)s") % {
                    "id": batch.pk,
                    "status": choice_word(batch),
                    "number": batch.certificate_number,
                }
            else:
                data = disposition_execute_pending(actor=user, progress=bar.update)
                text = _("%(count)s batch(es): %(certificates)s") % {
                    "count": data["batches"],
                    "certificates": ", ".join(data["certificates"]) or "-",
                }
        self.emit(data, text)

    def handle_certificate(self, **options: Any) -> None:
        import json

        from caseledger.disposition.queries import certificate_get, certificate_list

        if not options.get("number"):
            certs = certificate_list(actor=None)
            self.emit(
                [{"number": c.number, "action": c.action, "records": c.records} for c in certs],
                "\n".join(f"{c.number}  {c.action:<10} {c.records} record(s)" for c in certs)
                or _("No certificates yet."),
            )
            return
        cert = certificate_get(actor=None, number=options["number"])
        document = {**cert.document, "sha256": cert.document_sha256}
        self.emit(document, json.dumps(document, ensure_ascii=False, indent=2))

    def handle_reapply(self, **options: Any) -> None:
        from pathlib import Path

        from caseledger.disposition.services import reapply_dispositions

        folder = Path(options["folder"]) if options.get("folder") else None
        summary = reapply_dispositions(actor=None, folder=folder)
        self.emit(
            summary,
            _(
                "%(certificates)s certificate(s): destroyed %(destroyed)s, anonymized "
                "%(anonymized)s again; skipped %(skipped)s"
            )
            % {
                "certificates": summary["certificates"],
                "destroyed": summary["destroyed"],
                "anonymized": summary["anonymized"],
                "skipped": len(summary["skipped"]),
            },
        )
