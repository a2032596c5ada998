"""The report of a batch: every bad or duplicate row with its row number, field (and the
column it came from) and the reason, in the reader's language; as rows for a page or an
API answer, and as a CSV or XLSX file to download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from caseledger.intake.spreadsheet.fields import fields_of
from caseledger.intake.spreadsheet.models import ImportBatch


def _lead(code: str) -> str:
    leads = {
        "required": _("A value is required"),
        "invalid": _("The value is not valid"),
        "invalid_choice": _("The value is not one of the allowed values"),
        "too_long": _("The value is too long"),
        "out_of_range": _("The value is out of range"),
        "naive_datetime": _("The date and time needs a time zone"),
        "future": _("The date is in the future"),
        "not_found": _("No such record"),
        "restricted": _("The customer is restricted (PIPL Art 47)"),
        "duplicate": _("Duplicate: skipped"),
        "unknown_field": _("Not a field that can be set here"),
        "merged": _("The customer was merged into another"),
    }
    return leads.get(code, _("The value is not valid"))


@dataclass(frozen=True)
class ReportRow:
    row: int
    column: str
    field: str
    code: str
    reason: str


def reason(code: str, message: str) -> str:
    """The translated lead for the code, then the validator's own detail (which names the
    value and the allowed ones)."""
    return f"{_lead(code)}: {message}"


def rows(batch: ImportBatch) -> Iterator[ReportRow]:
    labels = fields_of(batch.kind)
    for row, field, code, message in (
        batch.problems.order_by("row", "id")
        .values_list("row", "field", "code", "message")
        .iterator(chunk_size=5000)
    ):
        column = batch.columns.get(field, "")
        label = str(labels.get(field, field))
        yield ReportRow(row, column, label, code, reason(code, _(message)))


def headers() -> list[str]:
    return [_("Row"), _("Column"), _("Field"), _("Code"), _("Reason")]


def as_csv(batch: ImportBatch) -> bytes:
    """UTF-8 with a BOM, so Excel in a Chinese locale opens it correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for item in rows(batch):
        writer.writerow([item.row, item.column, item.field, item.code, item.reason])
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def as_xlsx(batch: ImportBatch) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Import report"))
    sheet.append(headers())
    for item in rows(batch):
        sheet.append([item.row, item.column, item.field, item.code, item.reason])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
