"""`caseledger import FILE`: customers and cases from a CSV or XLSX file (issue 13).

    caseledger import cases.csv --as alice --department service --dry-run
    caseledger import cases.csv --as alice --department service --mapping crm --commit \
        --mode valid-only --report problems.xlsx
    caseledger import --undo 12 --as alice --reason "wrong file"

A `--commit` of a file whose earlier import was interrupted (a crash, kill -9) resumes
that batch after its last committed chunk instead of starting another.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option
from caseledger.core.command import CaseledgerCommand


class Command(CaseledgerCommand):
    help = "Import customers and cases from a spreadsheet (CSV or XLSX)"
    json_output = True

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="the CSV or XLSX file")
        as_option(parser, required=True)
        parser.add_argument("--department", help="id or code of the department to import into")
        parser.add_argument("--kind", default="cases", choices=["cases", "customers"])
        parser.add_argument("--mapping", default="", help="the name of a saved mapping")
        parser.add_argument("--columns", help='JSON {"field": "column header", ...}')
        parser.add_argument("--save-mapping", metavar="NAME", help="save --columns under NAME")
        run = parser.add_mutually_exclusive_group()
        run.add_argument("--dry-run", action="store_true", help="check every row, import none")
        run.add_argument("--commit", action="store_true", help="import (or resume)")
        run.add_argument("--undo", type=int, metavar="BATCH", help="undo an import")
        parser.add_argument(
            "--mode", default="all-or-nothing", choices=["all-or-nothing", "valid-only"]
        )
        parser.add_argument("--reason", default="", help="why an import is undone")
        parser.add_argument("--report", metavar="FILE", help="write the bad rows (.csv/.xlsx)")
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named

        actor = actor_named(options["as_user"])
        if options["undo"]:
            from caseledger.intake.spreadsheet.queries import batch_get
            from caseledger.intake.spreadsheet.undo import batch_undo

            batch = batch_undo(
                actor=actor,
                batch=batch_get(actor=actor, batch_id=options["undo"]),
                reason=options["reason"],
            )
            self._done(batch)
            return
        if not options["file"] or not (options["dry_run"] or options["commit"]):
            raise CommandError(_("give FILE and one of --dry-run, --commit (or --undo BATCH)"))
        batch = self._batch(actor, Path(options["file"]), options)
        self._run(actor, batch, options)

    def _columns(self, actor, options) -> dict | None:
        from caseledger.intake.spreadsheet.services import mapping_save

        if not options["columns"]:
            return None
        try:
            columns = json.loads(options["columns"])
        except json.JSONDecodeError as exc:
            raise CommandError(_("--columns is not JSON: %(reason)s") % {"reason": exc}) from exc
        if options["save_mapping"]:
            mapping_save(
                actor=actor, name=options["save_mapping"], kind=options["kind"], columns=columns
            )
        return columns

    def _batch(self, actor, path: Path, options):
        from caseledger.core.validate import Collector
        from caseledger.customers.services import resolve_department
        from caseledger.intake.spreadsheet.services import (
            batch_create,
            batch_unfinished,
            store_digest,
        )

        if not path.is_file():
            raise CommandError(_("%(path)s is not a file") % {"path": path})
        columns = self._columns(actor, options)
        department = resolve_department(options["department"], Collector())
        if options["commit"] and department is not None:
            unfinished = batch_unfinished(
                sha256=store_digest(path), department_id=department.pk, kind=options["kind"]
            )
            if unfinished is not None:
                self.stderr.write(
                    f"resuming import {unfinished.pk} after row {unfinished.high_water}"
                )
                return unfinished
        return batch_create(
            actor=actor,
            path=path,
            filename=path.name,
            department=options["department"],
            kind=options["kind"],
            mode=options["mode"],
            columns=columns,
            mapping=options["mapping"],
        )

    def _run(self, actor, batch, options) -> None:
        from caseledger.intake.spreadsheet.services import batch_check, batch_commit

        bar = self.progress(None, "rows")
        run = batch_commit if options["commit"] else batch_check
        try:
            batch = run(
                actor=actor, batch=batch, progress=bar.update, chunk_size=options["chunk_size"]
            )
        finally:
            bar.close()
        if options["report"]:
            self._report(batch, Path(options["report"]))
        self._done(batch)

    def _report(self, batch, target: Path) -> None:
        from caseledger.intake.spreadsheet import report

        data = report.as_xlsx(batch) if target.suffix.lower() == ".xlsx" else report.as_csv(batch)
        target.write_bytes(data)

    def _done(self, batch) -> None:
        data = {
            "batch": batch.pk,
            "status": batch.status,
            "rows": batch.rows_total,
            "bad": batch.rows_bad,
            "duplicates": batch.rows_duplicate,
            "cases_created": batch.cases_created,
            "customers_created": batch.customers_created,
        }
        text = " ".join(f"{k}={v}" for k, v in data.items())
        if batch.rows_bad and batch.status in ("checked", "refused"):
            problems = batch.problems.order_by("row", "id")[:20]
            text += "\n" + "\n".join(f"  row {p.row} {p.field}: {p.message}" for p in problems)
        self.emit(data, text)
