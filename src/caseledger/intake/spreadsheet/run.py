"""The pass over a sheet: rows in chunks, parsed and checked, planned, then written (or,
in a dry run, only reported). Resuming skips every row at or below the batch's
high-water mark, which commits with each chunk's records.

Each written chunk's cases go through the assignment rules (`assign_choices`, the engine
`case_create`'s assignment uses) as the writer inserts them, in the chunk's own
transaction: their `case.auto_assign` entries come before the batch's `last_seq`, so
they are part of the batch (its undo still works) and a crash leaves whole chunks, given
or not given together (write.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.db.models import F

from caseledger.intake.spreadsheet.fields import positions
from caseledger.intake.spreadsheet.models import ImportBatch, ImportProblem
from caseledger.intake.spreadsheet.plan import Plan, Planner
from caseledger.intake.spreadsheet.read import open_sheet
from caseledger.intake.spreadsheet.rows import Parsed, Problem, parse_row
from caseledger.intake.spreadsheet.write import ChunkWriter
from caseledger.journal.bulk import insert_rows
from caseledger.journal.services import write_transaction

Progress = Callable[[int], None]
COUNTERS = ("rows_total", "rows_bad", "rows_duplicate", "cases_created", "customers_created")


def _chunks(rows: Iterator[tuple[int, list[str]]], size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _problems(batch: ImportBatch, found: list[Problem]) -> None:
    if found:
        insert_rows(
            ImportProblem,
            ("batch_id", "row", "field", "code", "message"),
            [(batch.pk, p.row, p.field[:100], p.code[:40], p.message) for p in found],
        )


def _count(batch: ImportBatch, plan: Plan, rows: int, *, written: bool) -> dict[str, int]:
    counts = {"rows_total": rows, "rows_bad": plan.bad_rows, "rows_duplicate": plan.duplicates}
    if written:
        counts["cases_created"] = len(plan.cases)
        counts["customers_created"] = len(plan.new_customers)
    for name, value in counts.items():
        setattr(batch, name, getattr(batch, name) + value)
    return counts


def run_pass(
    batch: ImportBatch,
    *,
    actor: Any,
    write: bool,
    keep_problems: bool,
    chunk_size: int = 5000,
    progress: Progress | None = None,
) -> None:
    """One pass over the stored file. `write` commits records chunk by chunk (with the
    high-water mark); `keep_problems` stores the bad rows it meets."""
    sheet = open_sheet(Path(batch.stored))
    where = positions(batch.columns, sheet.headers)
    department = batch.department
    planner = Planner(kind=batch.kind, department_id=batch.department_id)
    writer = ChunkWriter(batch, actor) if write else None
    done = batch.high_water if write else 0
    for chunk in _chunks(sheet.rows, chunk_size):
        todo = [(n, texts) for n, texts in chunk if n > done]
        if not todo:
            continue
        parsed: list[tuple[Parsed, list[Problem]]] = []
        for number, texts in todo:
            values = {f: texts[i] if i < len(texts) else "" for f, i in where.items()}
            parsed.append(parse_row(number, values, kind=batch.kind, department=department))
        plan = planner.plan(parsed)
        last = todo[-1][0]
        if writer is None:
            if keep_problems:
                _problems(batch, plan.bad)
            _count(batch, plan, len(todo), written=False)
        else:
            with write_transaction():
                record = writer.write(plan, planner.seen)
                record.first_row, record.last_row = todo[0][0], last
                record.save()
                if keep_problems:
                    _problems(batch, plan.bad)
                counts = _count(batch, plan, len(todo), written=True)
                ImportBatch.objects.filter(pk=batch.pk).update(
                    high_water=last,
                    last_seq=batch.last_seq,
                    **{name: F(name) + value for name, value in counts.items()},
                )
                batch.high_water = last
        if progress:
            progress(len(todo))


__all__ = ["COUNTERS", "run_pass"]
