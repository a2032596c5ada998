"""Spreadsheet imports (issue 13): upload, follow the status, read the report, commit a
checked batch, undo; saved column mappings. The import itself runs as a worker job."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut
from caseledger.core.errors import ValidationFailed
from caseledger.intake.spreadsheet import report
from caseledger.intake.spreadsheet.models import ImportBatch
from caseledger.intake.spreadsheet.queries import batch_get
from caseledger.intake.spreadsheet.services import batch_create, mapping_save
from caseledger.intake.spreadsheet.tasks import import_task
from caseledger.intake.spreadsheet.undo import batch_undo

router = Router(tags=["imports"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
REPORT_LIMIT = 1000


class ImportOut(Schema):
    id: int
    kind: str
    mode: str
    status: str
    department: int
    filename: str
    columns: dict[str, str]
    mapping: str
    rows_total: int
    rows_bad: int
    rows_duplicate: int
    cases_created: int
    customers_created: int
    high_water: int


class ProblemOut(Schema):
    row: int
    column: str
    field: str
    code: str
    reason: str


class ReportOut(Schema):
    batch: ImportOut
    problems: list[ProblemOut]
    truncated: bool


class ImportUndoIn(Schema):
    reason: str


class MappingIn(Schema):
    name: str
    kind: str = "cases"
    columns: dict[str, str]


class MappingOut(Schema):
    name: str
    kind: str
    columns: dict[str, str]


def _out(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "mode": batch.mode,
        "status": batch.status,
        "department": batch.department_id,
        "filename": batch.filename,
        "columns": batch.columns,
        "mapping": batch.mapping_name,
        **{
            name: getattr(batch, name)
            for name in (
                "rows_total",
                "rows_bad",
                "rows_duplicate",
                "cases_created",
                "customers_created",
                "high_water",
            )
        },
    }


def _columns(text: str) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            _("is not JSON: %(reason)s") % {"reason": exc.msg}, field="columns"
        ) from exc
    if not isinstance(value, dict):
        raise ValidationFailed(_("must be a JSON object {field: column}"), field="columns")
    return value


@router.post(
    "/imports",
    response={202: ImportOut, **ERRORS},
    summary="Upload a spreadsheet to import (multipart: file, department, …)",
)
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    department: Form[str],
    kind: Form[str] = "cases",
    mode: Form[str] = "all-or-nothing",
    mapping: Form[str] = "",
    columns: Form[str] = "",
    dry_run: Form[bool] = True,
) -> Status[dict]:
    """A CSV (UTF-8 or GB18030) or XLSX file. `dry_run` (the default) checks every row and
    imports none; otherwise the rows are imported in `mode`. Either way the work runs in
    the worker: follow `GET /imports/{id}` until the status is no longer `checked` (dry run
    done when `rows_total` is set) or `running`. Needs `customers:write` (and `cases:write`
    for cases)."""
    user = actor(request)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload"
        with path.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        batch = batch_create(
            actor=user,
            path=path,
            filename=file.name or "upload",
            department=department,
            kind=kind,
            mode=mode,
            columns=_columns(columns),
            mapping=mapping,
        )
    import_task(batch.pk, user.pk, not dry_run)
    batch.refresh_from_db()
    return Status(202, _out(batch))


@router.get("/imports/{batch_id}", response={200: ImportOut, **ERRORS}, summary="An import")
def get_import(request: HttpRequest, batch_id: int) -> dict:
    return _out(batch_get(actor=actor(request), batch_id=batch_id))


@router.get(
    "/imports/{batch_id}/report",
    response={200: ReportOut, **ERRORS},
    summary="The bad and duplicate rows of an import",
)
def import_report(request: HttpRequest, batch_id: int, format: str = "json") -> Any:
    """`format=json` (the first 1000 rows), `csv` or `xlsx` (every row, to download)."""
    batch = batch_get(actor=actor(request), batch_id=batch_id)
    if format in ("csv", "xlsx"):
        data = report.as_csv(batch) if format == "csv" else report.as_xlsx(batch)
        kind = (
            "text/csv; charset=utf-8"
            if format == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(data, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}.{format}"'
        return response
    if format != "json":
        raise ValidationFailed(_("must be json, csv or xlsx"), field="format")
    problems: list = []
    for item in report.rows(batch):
        if len(problems) == REPORT_LIMIT:
            break
        problems.append(item.__dict__)
    return {
        "batch": _out(batch),
        "problems": problems,
        "truncated": batch.problems.count() > len(problems),
    }


@router.post(
    "/imports/{batch_id}/commit",
    response={202: ImportOut, **ERRORS},
    summary="Import a checked batch",
)
def commit_import(request: HttpRequest, batch_id: int) -> Status[dict]:
    user = actor(request)
    batch = batch_get(actor=user, batch_id=batch_id)
    import_task(batch.pk, user.pk, True)
    batch.refresh_from_db()
    return Status(202, _out(batch))


@router.post(
    "/imports/{batch_id}/undo", response={200: ImportOut, **ERRORS}, summary="Undo an import"
)
def undo_import(request: HttpRequest, batch_id: int, payload: ImportUndoIn) -> dict:
    user = actor(request)
    batch = batch_get(actor=user, batch_id=batch_id)
    return _out(batch_undo(actor=user, batch=batch, reason=payload.reason))


@router.post(
    "/import-mappings",
    response={201: MappingOut, **ERRORS},
    summary="Save a column mapping under a name",
)
def save_mapping(request: HttpRequest, payload: MappingIn) -> Status[dict]:
    saved = mapping_save(
        actor=actor(request), name=payload.name, kind=payload.kind, columns=payload.columns
    )
    return Status(201, {"name": saved.name, "kind": saved.kind, "columns": saved.columns})
