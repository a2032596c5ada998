"""The import's rows in tests/test_every_service_journals.py: one real call per service."""

from __future__ import annotations

import tempfile
from pathlib import Path


def import_calls(people):
    from caseledger.core.errors import ValidationFailed
    from caseledger.intake.spreadsheet import services
    from caseledger.intake.spreadsheet.models import BatchStatus
    from caseledger.intake.spreadsheet.run import run_pass
    from caseledger.intake.spreadsheet.undo import batch_undo
    from tests.intake.spreadsheet.helpers import good_row, write_csv

    folder = Path(tempfile.mkdtemp(prefix="import-walk-"))

    def batch(name: str):
        row = good_row(len(name) + 100)
        row[4] = ""  # received now, whatever the suite's date
        path = write_csv(folder / f"{name}.csv", [row])
        return services.batch_create(
            actor=people.agent, path=path, filename=path.name, department="sales"
        )

    def undo():
        done = services.batch_commit(actor=people.agent, batch=batch("undo-it"))
        return batch_undo(actor=people.agent, batch=done, reason="imported the wrong file")

    prefix = "caseledger.intake.spreadsheet.services."
    return {
        "caseledger.intake.spreadsheet.run.run_pass": lambda: run_pass(
            batch("run"), actor=people.agent, write=True, keep_problems=True
        ),
        "caseledger.intake.spreadsheet.undo.batch_undo": undo,
        prefix + "mapping_save": lambda: services.mapping_save(
            actor=people.agent, name="walk", kind="cases", columns={"subject": "subject"}
        ),
        prefix + "batch_create": lambda: batch("create"),
        prefix + "set_status": lambda: services.set_status(
            batch("status"), BatchStatus.REFUSED, "walk", actor=people.agent
        ),
        prefix + "batch_check": lambda: services.batch_check(
            actor=people.agent, batch=batch("check")
        ),
        prefix + "batch_commit": lambda: services.batch_commit(
            actor=people.agent, batch=batch("commit-it")
        ),
        prefix + "batch_fail": lambda: services.batch_fail(
            actor=people.agent,
            batch=batch("fail"),
            error=ValidationFailed("is not readable CSV", field="file"),
        ),
    }
