"""Reading a spreadsheet row by row: CSV in UTF-8 (with or without BOM) or GB18030 (what
Chinese Excel writes as "CSV"), and XLSX through python-calamine. Every cell comes out as
text (stripped); rows are numbered as the spreadsheet shows them (the header is row 1).

Memory: CSV is checked for its encoding, then decoded and split, block by block (constant).
python-calamine 0.9 has no streaming reader: it holds the sheet's cells (about 1.6x the
sheet's XML; Python sees one row at a time). It is the fast reader, used for sheets of up to
IMPORT_XLSX_WHOLE_SHEET_MB of XML; a larger sheet is streamed by openpyxl's read-only
reader (an XML pull parser: memory stays flat whatever the size, at a few times the time).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.core.errors import ValidationFailed

SNIFF = 1 << 16
XLSX_MAGIC = b"PK\x03\x04"
BOM = codecs.BOM_UTF8


@dataclass
class Sheet:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str  # "utf-8-sig", "utf-8", "gb18030" or "xlsx"


def _refuse(message: str, code: str = "unreadable") -> ValidationFailed:
    return ValidationFailed(message, field="file", code=code)


def detect_encoding(head: bytes, rest: Iterable[bytes] = ()) -> str:
    """UTF-8 when the whole file decodes as UTF-8, else GB18030: a byte string that is not
    UTF-8 in a Chinese office is GBK/GB18030. The whole file is read (at disk speed, in C)
    because an export often starts with ASCII and meets its first Chinese name later."""
    if head.startswith(BOM):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
        for block in rest:
            decoder.decode(block, final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _blocks(fh) -> Iterator[bytes]:
    while block := fh.read(1 << 20):
        yield block


def open_sheet(path: Path) -> Sheet:
    with path.open("rb") as fh:
        head = fh.read(SNIFF)
        if head.startswith(XLSX_MAGIC):
            return _xlsx(path)
        if b"\x00" in head and not head.startswith(BOM):
            raise _refuse(_("is neither CSV text nor an XLSX workbook"))
        encoding = detect_encoding(head, _blocks(fh))
    return _csv(path, encoding)


def _text_rows(path: Path, encoding: str) -> Iterator[list[str]]:
    with path.open("r", encoding=encoding, newline="", errors="strict") as fh:
        try:
            yield from csv.reader(fh)
        except UnicodeDecodeError as exc:
            raise _refuse(
                _("is not valid %(encoding)s text: %(reason)s")
                % {"encoding": encoding.upper(), "reason": exc.reason}
            ) from exc
        except csv.Error as exc:
            raise _refuse(_("is not readable CSV: %(reason)s") % {"reason": exc}) from exc


def _numbered(raw: Iterator[list[Any]], cell) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        first = next(raw)
    except StopIteration:
        raise _refuse(_("is empty: the first row must name the columns"), "empty") from None
    headers = [cell(v) for v in first]
    if not any(headers):
        raise _refuse(_("has no column names in its first row"), "empty")

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(raw, start=2):
            texts = [cell(v) for v in values]
            if any(texts):  # blank lines are not rows
                yield number, texts

    return headers, rows()


def _csv(path: Path, encoding: str) -> Sheet:
    headers, rows = _numbered(_text_rows(path, encoding), lambda v: v.strip())
    return Sheet(headers=headers, rows=rows, encoding=encoding)


def xlsx_text(value: Any) -> str:
    """A cell as the person typed it: whole numbers without ".0" (phone numbers are often
    stored as numbers), dates and times in ISO form (a naive one is local time)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _sheet_bytes(path: Path) -> int:
    """The uncompressed size of the workbook's largest worksheet part."""
    try:
        with zipfile.ZipFile(path) as book:
            sizes = [
                i.file_size for i in book.infolist() if i.filename.startswith("xl/worksheets/")
            ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable(exc) from exc
    return max(sizes, default=0)


def _xlsx(path: Path) -> Sheet:
    whole = int(getattr(settings, "IMPORT_XLSX_WHOLE_SHEET_MB", 50))
    if _sheet_bytes(path) > whole * 1_000_000:
        headers, rows = _numbered(_streamed_rows(path), xlsx_text)
        return Sheet(headers=headers, rows=rows, encoding="xlsx")
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        raw = iter(sheet.iter_rows())
    except Exception as exc:  # calamine raises its own errors for every kind of damage
        raise _unreadable(exc) from exc
    headers, rows = _numbered(raw, xlsx_text)
    return Sheet(headers=headers, rows=rows, encoding="xlsx")


def _unreadable(exc: Exception) -> ValidationFailed:
    return _refuse(_("is not a readable XLSX workbook: %(reason)s") % {"reason": exc})


def _streamed_rows(path: Path) -> Iterator[list[Any]]:
    """The first sheet's rows through openpyxl's read-only reader, one at a time; gaps come
    back as empty rows, so numbering matches the sheet. The dimensions a writer recorded
    are not trusted (some write A1 for any size): the whole sheet is read."""
    from openpyxl import load_workbook

    fh = path.open("rb")  # a file, not a name: stored uploads carry no ".xlsx" to check
    try:
        book = load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl's own errors for a damaged workbook
        fh.close()
        raise _unreadable(exc) from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        width = 0
        for row in sheet.iter_rows(values_only=True):
            width = width or len(row)  # a short row is padded to the header, as calamine does
            yield [*row, *[None] * (width - len(row))]
    except Exception as exc:
        raise _unreadable(exc) from exc
    finally:
        book.close()
        fh.close()


def sniff_bytes(data: bytes) -> str:
    """For tests and the upload form: which reader a file would get."""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    return detect_encoding(data)


__all__ = ["Sheet", "detect_encoding", "open_sheet", "sniff_bytes", "xlsx_text"]
