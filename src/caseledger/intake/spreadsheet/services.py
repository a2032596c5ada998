"""Every write of the spreadsheet import: saved mappings, batches (dry run, commit,
resume) and undo. Permission first, journaled, in `write_transaction()`; the records
themselves are written in chunks by `run` / `write` (the demo loader's bulk path), each
chunk one transaction with its journal entries."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.context import via
from caseledger.core.errors import Conflict, NotFound, ValidationFailed, choice_word
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers.services import resolve_department
from caseledger.intake.actions import IntakeAction, import_status
from caseledger.intake.spreadsheet.fields import automatic, check_columns, positions
from caseledger.intake.spreadsheet.models import (
    BatchStatus,
    ImportBatch,
    ImportKind,
    ImportMapping,
    ImportMode,
    ImportProblem,
)
from caseledger.intake.spreadsheet.read import open_sheet
from caseledger.intake.spreadsheet.run import COUNTERS, Progress, run_pass
from caseledger.journal.bulk import BulkSession
from caseledger.journal.services import record_change, write_transaction

MAX_NAME = 100


def require_import(actor: User, kind: str, department_id: int | None) -> None:
    """Importing cases writes customers and cases; importing customers, customers."""
    require(actor, Perm.CUSTOMER_MODIFY, department_id)
    if kind == ImportKind.CASES:
        require(actor, Perm.CASE_MODIFY, department_id)


def _journal(actor: User, action: str, obj: Any, before: dict | None, reason: str = "") -> None:
    record_change(
        actor=actor,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        before=before,
        after=model_state(obj),
        reason=reason,
    )


def mapping_save(*, actor: User, name: str, kind: str, columns: Mapping[str, Any]) -> ImportMapping:
    """Create or replace the mapping called `name`."""
    require(actor, Perm.CUSTOMER_MODIFY)
    c = Collector()
    name = c.text({"name": name}, "name", required=True, max_length=MAX_NAME) or ""
    c.choice({"kind": kind}, "kind", ImportKind.values, required=True)
    c.raise_if_any()
    clean = check_columns(kind, columns)
    if not clean:
        raise ValidationFailed(_("map at least one column"), field="columns", code="required")
    now = clock.now()
    with write_transaction():
        mapping = ImportMapping.objects.select_for_update().filter(name=name).first()
        before = model_state(mapping) if mapping else None
        if mapping is None:
            mapping = ImportMapping(name=name, created_by=actor, created_at=now)
        mapping.kind, mapping.columns, mapping.updated_at = kind, clean, now
        mapping.save()
        _journal(actor, IntakeAction.IMPORT_MAPPING_SAVE, mapping, before)
    return mapping


def mapping_get(name: str) -> ImportMapping:
    mapping = ImportMapping.objects.filter(name=name).first()
    if mapping is None:
        raise NotFound(
            _("there is no saved mapping called %(name)r") % {"name": name}, field="mapping"
        )
    return mapping


def store_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _store(path: Path) -> tuple[str, Path]:
    """A content-addressed copy in the data directory: the batch resumes from it even if
    the upload's temporary file is gone."""
    sha = store_digest(path)
    target = Path(settings.IMPORTS_DIR) / sha[:2] / sha
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        shutil.copyfile(path, partial)
        partial.replace(target)
    return sha, target


def _resolve(kind: str, headers: list[str], columns, mapping: str) -> tuple[dict, str]:
    if mapping:
        saved = mapping_get(mapping)
        if saved.kind != kind:
            raise ValidationFailed(
                _("mapping %(mapping)r is for an import of %(saved_kind)s")
                % {"mapping": mapping, "saved_kind": saved.kind},
                field="mapping",
            )
        return dict(saved.columns), saved.name
    if columns:
        return check_columns(kind, columns), ""
    found = automatic(kind, headers)
    if not found:
        raise ValidationFailed(
            _("no column header names a field; give a mapping"), field="columns", code="required"
        )
    return found, ""


def batch_create(
    *,
    actor: User,
    path: Path,
    filename: str,
    department: Any,
    kind: str = ImportKind.CASES,
    mode: str = ImportMode.ALL_OR_NOTHING,
    columns: Mapping[str, Any] | None = None,
    mapping: str = "",
) -> ImportBatch:
    """A batch for the file at `path`: stored, its header read and the mapping checked
    against it. Nothing is imported yet (see `batch_check`, `batch_commit`)."""
    c = Collector()
    dept = resolve_department(department, c)
    if dept is None and not c.errors:
        c.add("department", _("is required"), "required")
    c.choice({"kind": kind}, "kind", ImportKind.values, required=True)
    c.choice({"mode": mode}, "mode", ImportMode.values, required=True)
    require_import(actor, kind, dept.pk if dept else None)
    c.raise_if_any()
    assert isinstance(dept, Department)
    sheet = open_sheet(path)
    clean, mapping_name = _resolve(kind, sheet.headers, columns, mapping)
    positions(clean, sheet.headers)
    sha, stored = _store(path)
    with write_transaction():
        batch = ImportBatch.objects.create(
            kind=kind,
            mode=mode,
            status=BatchStatus.CHECKED,
            department=dept,
            filename=Path(filename).name[:255] or "upload",
            sha256=sha,
            stored=str(stored),
            columns=clean,
            mapping_name=mapping_name,
            created_by=actor,
            created_at=clock.now(),
        )
        _journal(actor, IntakeAction.IMPORT_CREATE, batch, None)
    return batch


def batch_unfinished(*, sha256: str, department_id: int, kind: str) -> ImportBatch | None:
    """A batch of the same file that a crash interrupted."""
    return (
        ImportBatch.objects.filter(
            sha256=sha256, department_id=department_id, kind=kind, status=BatchStatus.RUNNING
        )
        .order_by("-pk")
        .first()
    )


def set_status(batch: ImportBatch, status: str, reason: str = "", *, actor: User) -> None:
    with write_transaction():
        before = model_state(ImportBatch.objects.get(pk=batch.pk))
        batch.refresh_from_db()
        batch.status = status
        if status in (BatchStatus.DONE, BatchStatus.REFUSED, BatchStatus.UNDONE):
            batch.finished_at = clock.now()
        batch.save(update_fields=["status", "finished_at"])
        _journal(actor, import_status(status), batch, before, reason)


def _reset_counts(batch: ImportBatch) -> None:
    for name in COUNTERS:
        setattr(batch, name, 0)
    batch.save(update_fields=list(COUNTERS))


def batch_check(
    *, actor: User, batch: ImportBatch, progress: Progress | None = None, chunk_size: int = 5000
) -> ImportBatch:
    """The dry run: every bad and duplicate row recorded, nothing imported."""
    require_import(actor, batch.kind, batch.department_id)
    if batch.status != BatchStatus.CHECKED:
        raise Conflict(
            _("import %(batch_id)s is %(batch_status)s; only a new import can be checked")
            % {"batch_id": batch.pk, "batch_status": choice_word(batch)}
        )
    with write_transaction():
        batch.problems.all().delete()
        _reset_counts(batch)
    with via("import"):
        run_pass(
            batch,
            actor=actor,
            write=False,
            keep_problems=True,
            chunk_size=chunk_size,
            progress=progress,
        )
    with write_transaction():
        before = model_state(ImportBatch.objects.get(pk=batch.pk))
        batch.save(update_fields=list(COUNTERS))
        _journal(actor, IntakeAction.IMPORT_CHECK, batch, before, f"{batch.rows_bad} bad row(s)")
    return batch


def batch_commit(
    *, actor: User, batch: ImportBatch, progress: Progress | None = None, chunk_size: int = 5000
) -> ImportBatch:
    """Import (or resume importing) the batch. All-or-nothing checks every row first and
    writes nothing if one is bad; valid-only writes the good rows and records the rest."""
    require_import(actor, batch.kind, batch.department_id)
    if batch.status not in (BatchStatus.CHECKED, BatchStatus.RUNNING):
        raise Conflict(
            _("import %(batch_id)s is %(batch_status)s already")
            % {"batch_id": batch.pk, "batch_status": choice_word(batch)},
            code="finished",
        )
    if batch.status == BatchStatus.CHECKED:
        if batch.mode == ImportMode.ALL_OR_NOTHING:
            batch_check(actor=actor, batch=batch, chunk_size=chunk_size)
            if batch.rows_bad:
                set_status(batch, BatchStatus.REFUSED, f"{batch.rows_bad} bad row(s)", actor=actor)
                return batch
        with write_transaction():
            if batch.mode == ImportMode.VALID_ONLY:
                batch.problems.all().delete()
            _reset_counts(batch)
        set_status(batch, BatchStatus.RUNNING, actor=actor)
    keep = batch.mode == ImportMode.VALID_ONLY
    # The demo loader's connection settings (a big page cache for the index inserts);
    # fsync stays as configured: this is live data.
    session = contextlib.nullcontext() if connection.in_atomic_block else BulkSession(False)
    with via("import"), session:
        run_pass(
            batch,
            actor=actor,
            write=True,
            keep_problems=keep,
            chunk_size=chunk_size,
            progress=progress,
        )
    batch.refresh_from_db()
    set_status(batch, BatchStatus.DONE, actor=actor)
    return batch


def batch_fail(*, actor: User, batch: ImportBatch, error: ValidationFailed) -> ImportBatch:
    """A file that turned out unreadable part-way (a broken XLSX, bytes that are no text):
    the batch is refused with the reason as its report's row 0. Records committed before
    stay, and can be undone."""
    with write_transaction():
        ImportProblem.objects.create(
            batch=batch,
            row=0,
            field=(error.field or "file")[:100],
            code=error.code[:40],
            message=error.message,
        )
    batch.refresh_from_db()
    status = BatchStatus.DONE if batch.high_water else BatchStatus.REFUSED
    set_status(batch, status, error.message[:200], actor=actor)
    return batch
