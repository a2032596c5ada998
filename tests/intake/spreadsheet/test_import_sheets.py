"""Reading what offices send: UTF-8 with and without BOM, GB18030 from Chinese Excel,
XLSX with numbers and dates in cells; column mappings saved and reused by name."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.cases.models import Case
from caseledger.core.errors import NotFound, ValidationFailed
from caseledger.intake.spreadsheet.models import ImportMapping
from caseledger.intake.spreadsheet.read import open_sheet
from caseledger.intake.spreadsheet.services import batch_commit, mapping_save
from tests.intake.spreadsheet.helpers import HEADER, batch_for, good_row, write_csv, write_xlsx

pytestmark = pytest.mark.clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")],
)
def test_a_csv_in_any_office_encoding_imports_its_chinese_text_intact(
    people, tmp_path, encoding, detected
):
    path = write_csv(tmp_path / "c.csv", [good_row(1), good_row(2)], encoding=encoding)
    assert open_sheet(path).encoding == detected
    batch = batch_commit(actor=people.agent, batch=batch_for(people, path))
    assert batch.cases_created == 2
    assert set(Case.objects.values_list("subject", flat=True)) == {"投诉 1", "投诉 2"}
    assert Case.objects.get(subject="投诉 1").customer.name == "客户1"


def test_a_gb18030_file_whose_first_kilobytes_are_ascii_is_still_read_as_gb18030(people, tmp_path):
    rows = [
        [f"EXT-{n}", "complaint", "service", f"subject {n}", "", f"name {n}", f"1380013{n:04d}"]
        for n in range(1, 3000)
    ]
    rows.append(good_row(5000))
    path = write_csv(tmp_path / "late.csv", rows, encoding="gb18030")
    assert open_sheet(path).encoding == "gb18030"
    batch = batch_commit(actor=people.agent, batch=batch_for(people, path))
    assert batch.cases_created == 3000
    assert Case.objects.filter(subject="投诉 5000").exists()


def test_an_xlsx_sheet_with_numbers_and_dates_in_cells_imports(people, tmp_path):
    row = good_row(1)
    row[4] = dt.datetime(2026, 1, 5, 9, 30)  # a date cell: local time
    row[6] = 13800130001  # a phone typed as a number
    path = write_xlsx(tmp_path / "c.xlsx", [row, good_row(2)])
    batch = batch_commit(actor=people.agent, batch=batch_for(people, path))
    assert batch.cases_created == 2
    case = Case.objects.get(subject="投诉 1")
    assert case.received_at == dt.datetime(2026, 1, 5, 1, 30, tzinfo=dt.UTC)
    assert case.customer.contact_points.get().value == "+8613800130001"


def test_a_mapping_saved_once_is_reused_by_name_for_chinese_headers(people, tmp_path):
    header = ["编号", "类型", "类别", "标题", "时间", "姓名", "手机"]
    columns = dict(
        zip(
            [
                "external_id",
                "kind",
                "category",
                "subject",
                "received_at",
                "customer_name",
                "customer_phone",
            ],
            header,
            strict=True,
        )
    )
    mapping_save(actor=people.agent, name="crm-export", kind="cases", columns=columns)
    for n in (1, 2):
        path = write_csv(tmp_path / f"{n}.csv", [good_row(n)], header=header)
        batch = batch_commit(
            actor=people.agent, batch=batch_for(people, path, mapping="crm-export")
        )
        assert batch.cases_created == 1 and batch.mapping_name == "crm-export"
    assert ImportMapping.objects.get().columns["subject"] == "标题"
    with pytest.raises(NotFound):
        batch_for(people, path, mapping="no-such-mapping")


def test_headers_in_chinese_labels_map_themselves(people, tmp_path):
    header = ["外部案件编号", "类型", "类别", "主题", "接收时间", "客户名称", "客户电话"]
    path = write_csv(tmp_path / "zh.csv", [good_row(1)], header=header)
    batch = batch_for(people, path)
    assert batch.columns["subject"] == "主题" and batch.columns["customer_phone"] == "客户电话"


def test_a_mapping_naming_a_column_the_sheet_lacks_is_refused_by_name(people, tmp_path):
    path = write_csv(tmp_path / "c.csv", [good_row(1)])
    with pytest.raises(ValidationFailed) as refused:
        batch_for(people, path, columns={"subject": "Betreff"})
    assert refused.value.field == "subject" and "Betreff" in str(refused.value)
    with pytest.raises(ValidationFailed) as unknown:
        mapping_save(actor=people.agent, name="x", kind="cases", columns={"colour": "A"})
    assert unknown.value.field == "columns.colour"


def test_an_xlsx_too_big_to_read_whole_is_streamed_and_reads_the_same(people, tmp_path, settings):
    """Over IMPORT_XLSX_WHOLE_SHEET_MB the sheet goes through openpyxl's streaming reader:
    the same headers, texts and row numbers as the fast reader (a blank line skipped, its
    number kept; whole numbers without ".0"; a date and time; Chinese text), and the import
    records the same cases."""
    from openpyxl import Workbook

    path = tmp_path / "both.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(good_row(1))
    sheet.append([])  # a blank line: skipped, row 3 keeps its number
    second = good_row(2)
    second[HEADER.index("customer_phone")] = 13812345678  # typed as a number
    sheet.append(second)
    sheet.cell(row=5, column=1, value="ext-9")
    sheet.cell(row=5, column=HEADER.index("received_at") + 1, value=dt.datetime(2024, 3, 1, 9, 30))
    book.save(path)

    def read():
        opened = open_sheet(path)
        return opened.headers, list(opened.rows)

    settings.IMPORT_XLSX_WHOLE_SHEET_MB = 50
    fast = read()
    settings.IMPORT_XLSX_WHOLE_SHEET_MB = 0
    streamed = read()
    assert streamed == fast
    assert [number for number, _ in streamed[1]] == [2, 4, 5]
    assert "13812345678" in streamed[1][1][1] and "2024-03-01 09:30:00" in streamed[1][2][1]

    two = write_xlsx(tmp_path / "two.xlsx", [good_row(1), good_row(2)])
    batch = batch_commit(actor=people.agent, batch=batch_for(people, two))
    assert batch.cases_created == 2
