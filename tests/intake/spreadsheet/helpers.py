"""Sheets for the import tests, written as CSV in a chosen encoding or as XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADER = [
    "external_id",
    "kind",
    "category",
    "subject",
    "received_at",
    "customer_name",
    "customer_phone",
]


def good_row(n: int, phone: str | None = None) -> list[str]:
    return [
        f"EXT-{n}",
        "complaint",
        "service",
        f"投诉 {n}",
        "2026-01-05 09:30",
        f"客户{n}",
        phone or f"1380013{n:04d}",
    ]


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", header=None) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], header=None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def batch_for(people, path, actor=None, **kwargs):
    from caseledger.intake.spreadsheet.services import batch_create

    return batch_create(
        actor=actor or people.agent,
        path=path,
        filename=path.name,
        department=kwargs.pop("department", "sales"),
        **kwargs,
    )
