"""The dry run: every bad row reported with its row number, field and reason; nothing
written; the reasons in the reader's language; the report as CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import translation

from caseledger.cases.models import Case
from caseledger.customers.models import Customer
from caseledger.intake.spreadsheet import report
from caseledger.intake.spreadsheet.services import batch_check
from caseledger.journal.models import Entry
from tests.factories import make_customer
from tests.intake.spreadsheet.helpers import batch_for, good_row, write_csv

pytestmark = pytest.mark.clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))


def _bad_sheet(tmp_path, restricted_phone: str):
    rows = [good_row(1)]  # row 2: fine
    rows.append([*good_row(2)[:3], "", *good_row(2)[4:]])  # row 3: no subject
    rows.append(["EXT-3", "grumble", *good_row(3)[2:]])  # row 4: unknown kind
    rows.append([*good_row(4)[:3], "长" * 201, *good_row(4)[4:]])  # row 5: subject too long
    rows.append([*good_row(5)[:4], "2027-01-01 08:00", *good_row(5)[5:]])  # row 6: future
    rows.append([*good_row(6)[:4], "next tuesday", *good_row(6)[5:]])  # row 7: not a date
    rows.append([*good_row(7)[:6], "12345"])  # row 8: not a phone number
    rows.append([*good_row(8)[:5], "", "13900000008"])  # row 9: new customer, no name
    rows.append(good_row(1, phone="13800139999"))  # row 10: EXT-1 again
    rows.append(good_row(10, phone=restricted_phone))  # row 11: restricted customer
    return write_csv(tmp_path / "bad.csv", rows)


def test_a_dry_run_reports_every_bad_row_by_row_field_and_reason_and_writes_nothing(
    people, tmp_path
):
    held = make_customer(people.agent, people.sales)
    Customer.objects.filter(pk=held.pk).update(restricted_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    phone = held.contact_points.get(kind="phone").value
    batch = batch_for(people, _bad_sheet(tmp_path, phone))
    cases, entries = Case.objects.count(), Entry.objects.count()
    batch = batch_check(actor=people.agent, batch=batch)
    found = {(p.row, p.field, p.code) for p in batch.problems.all()}
    assert found == {
        (3, "subject", "required"),
        (4, "kind", "invalid_choice"),
        (5, "subject", "too_long"),
        (6, "received_at", "future"),
        (7, "received_at", "invalid"),
        (8, "customer_phone", "invalid"),
        (9, "customer_name", "required"),
        (10, "external_id", "duplicate"),
        (11, "customer", "restricted"),
    }
    assert (batch.rows_total, batch.rows_bad, batch.rows_duplicate) == (10, 8, 1)
    assert Case.objects.count() == cases
    assert Entry.objects.filter(action__in=["case.create", "customer.create"]).count() == (
        Entry.objects.filter(
            action__in=["case.create", "customer.create"], seq__lte=entries
        ).count()
    ), "a dry run journals no record"
    assert batch.status == "checked"


def test_the_report_downloads_as_csv_and_xlsx_in_the_readers_language(people, tmp_path):
    rows = [good_row(1), [*good_row(2)[:3], "", *good_row(2)[4:]]]
    batch = batch_check(
        actor=people.agent, batch=batch_for(people, write_csv(tmp_path / "a.csv", rows))
    )
    with translation.override("zh-hans"):
        data = report.as_csv(batch)
        xlsx = report.as_xlsx(batch)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][0] == "行" and table[1][:2] == ["3", "subject"]
    assert table[1][2] == "主题" and table[1][4] == "必须填写: 不能为空"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == 3 and values[1][4].startswith("必须填写")
