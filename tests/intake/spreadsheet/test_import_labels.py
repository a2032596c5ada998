"""A sheet written by people, or exported from caseledger, names its choices by their
labels ("投诉", "配送与物流", "Urgent"), not by their codes: the import reads either."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.cases.models import Case
from caseledger.intake.spreadsheet.services import batch_commit
from tests.intake.spreadsheet.helpers import batch_for, write_csv

pytestmark = pytest.mark.clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))

HEADER = ["类型", "渠道", "类别", "子类别", "优先级", "主题", "客户名称", "客户电话", "客户类型"]


def test_a_sheet_that_names_its_choices_in_chinese_or_english_imports_them_as_codes(
    people, tmp_path
):
    rows = [
        ["投诉", "电话", "配送与物流", "延迟", "紧急", "快递晚到", "张三", "13800130001", "个人"],
        ["Complaint", "Email", "Delivery and logistics", "Lost", "High", "丢件", "李四",
         "13800130002", "Person"],
        ["complaint", "phone", "delivery", "damaged", "normal", "破损", "王五", "13800130003", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "labels.csv", rows, encoding="utf-8-sig", header=HEADER)
    batch = batch_commit(actor=people.agent, batch=batch_for(people, path))
    assert (batch.rows_bad, batch.cases_created) == (0, 3)
    found = {
        c.subject: (c.kind, c.channel, c.category, c.subcategory, c.priority)
        for c in Case.objects.all()
    }
    assert found == {
        "快递晚到": ("complaint", "phone", "delivery", "late", "urgent"),
        "丢件": ("complaint", "email", "delivery", "lost", "high"),
        "破损": ("complaint", "phone", "delivery", "damaged", "normal"),
    }


def test_a_word_that_is_neither_a_code_nor_a_label_is_still_refused_by_name(people, tmp_path):
    rows = [["抱怨", "电话", "配送与物流", "", "", "快递晚到", "张三", "13800130001", ""]]
    path = write_csv(tmp_path / "bad.csv", rows, header=HEADER)
    batch = batch_commit(actor=people.agent, batch=batch_for(people, path))
    assert (batch.rows_bad, batch.cases_created) == (1, 0)
    problem = batch.problems.get()
    assert problem.field == "kind" and "抱怨" in problem.message
