"""Responses that stream bytes: attachment downloads and the CSV and XLSX exports of a case
list (the same journaled export, the same masked columns)."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from caseledger.cases import services as case_services
from caseledger.cases import storage
from caseledger.cases.queries import attachment_get
from caseledger.vault.masking import display_name, shown
from caseledger.web.viewing import AuthedRequest, web_view
from caseledger.web.views.cases import case_filters

EXPORT_COLUMNS = (
    "reference",
    "status",
    "kind",
    "channel",
    "category",
    "subcategory",
    "severity",
    "priority",
    "department",
    "assignee",
    "customer",
    "subject",
    "received_at",
    "closed_at",
    "updated_at",
)


@web_view
@require_GET
def attachment_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    attachment = attachment_get(actor=request.user, attachment_id=pk)
    try:
        handle = storage.open_file(attachment.sha256)
    except FileNotFoundError:
        return render(
            request,
            "404.html",
            {"reason": f"the file of attachment {pk} is missing from storage"},
            status=404,
        )
    # as_attachment: never let a browser render an uploaded file as a page of ours.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=storage.media_type(attachment.content_type, attachment.filename),
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading = + - @ would run as a formula when the file is opened in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_headers() -> list[str]:
    """The columns in the reader's language, named as the case page names them."""
    from caseledger.web.display import field_label

    names = {"department": "department_id", "assignee": "assignee_id", "customer": "customer_id"}
    return [field_label("case", names.get(column, column)) for column in EXPORT_COLUMNS]


def _values(case) -> list[str]:
    """One case as export cells, as the case page shows it: labels for codes, names for
    people and departments, local times; names and marked fields masked as on screen."""
    from caseledger.web.display import local_time, value_text

    def when(value) -> str:
        return local_time(value) if value else ""

    return [
        "" if v is None else str(v)
        for v in (
            case.reference,
            case.get_status_display(),
            case.get_kind_display(),
            case.get_channel_display(),
            value_text("case", "category", case.category),
            value_text("case", "subcategory", case.subcategory, state={"category": case.category})
            if case.subcategory
            else "",
            case.get_severity_display(),
            case.get_priority_display(),
            case.department.name,
            case.assignee.username if case.assignee else "",
            display_name(case.customer),
            shown("case.subject", case.subject),
            when(case.received_at),
            when(case.closed_at),
            when(case.updated_at),
        )
    ]


def _row(case) -> list[str]:
    return [_cell(v) for v in _values(case)]


@web_view
@require_GET
def case_export(request: AuthedRequest) -> HttpResponseBase:
    _form, filters, sort = case_filters(request)
    cases = case_services.case_export(actor=request.user, filters=filters, sort=sort)
    writer = csv.writer(_Echo())
    language = translation.get_language()

    def lines() -> Iterator[str]:
        # Rows are made while the response streams, after the view returned: keep the
        # request's language for them.
        with translation.override(language):
            yield "\ufeff"  # spreadsheet programs need the BOM to read UTF-8 Chinese
            yield writer.writerow(export_headers())
            for case in cases.iterator(chunk_size=1000):
                yield writer.writerow(_row(case))

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    response["X-Export-Limit"] = str(case_services.EXPORT_LIMIT)
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@web_view
@require_GET
def case_export_xlsx(request: AuthedRequest) -> HttpResponseBase:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    _form, filters, sort = case_filters(request)
    cases = case_services.case_export(actor=request.user, filters=filters, sort=sort)
    book = Workbook(write_only=True)  # rows go straight to disk: memory stays flat
    sheet = book.create_sheet("cases")

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    sheet.append([text(c) for c in export_headers()])
    for case in cases.iterator(chunk_size=1000):
        sheet.append([text(v) for v in _values(case)])
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    book.save(spool)
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = FileResponse(
        spool, as_attachment=True, filename=f"cases-{stamp}.xlsx", content_type=XLSX_TYPE
    )
    response["X-Export-Limit"] = str(case_services.EXPORT_LIMIT)
    return response
