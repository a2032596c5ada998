"""`/api/v1/imports`: upload, status, report, commit, undo, mappings; scopes and roles
refuse; a garbage upload is a 422 naming the file, never a 500."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caseledger.cases.models import Case
from tests.intake.spreadsheet.helpers import good_row, write_csv

pytestmark = pytest.mark.clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))


def _upload(client, path, **fields):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), "department": "sales"}
    data.update(fields)
    return client.upload("/imports", data)


def test_an_upload_is_checked_then_committed_and_its_report_downloads(people, api_as, tmp_path):
    client = api_as(people.agent)
    bad = [*good_row(2)[:3], "", *good_row(2)[4:]]
    path = write_csv(tmp_path / "c.csv", [good_row(1), bad], encoding="gb18030")
    answer = _upload(client, path, mode="valid-only")
    assert answer.status_code == 202, answer.content
    batch = answer.json()
    status = client.get(f"/imports/{batch['id']}").json()
    assert (status["status"], status["rows_total"], status["rows_bad"]) == ("checked", 2, 1)
    problems = client.get(f"/imports/{batch['id']}/report").json()["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [(3, "subject", "required")]
    assert not Case.objects.exists()
    done = client.post(f"/imports/{batch['id']}/commit", {})
    assert done.status_code == 202 and done.json()["status"] == "done"
    assert done.json()["cases_created"] == 1
    sheet = client.get(f"/imports/{batch['id']}/report", {"format": "xlsx"})
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    undone = client.post(f"/imports/{batch['id']}/undo", {"reason": "test"})
    assert undone.status_code == 200 and undone.json()["status"] == "undone"
    assert not Case.objects.exists()


def test_a_saved_mapping_is_used_by_an_upload(people, api_as, tmp_path):
    client = api_as(people.agent)
    header = ["编号", "类型", "类别", "标题", "时间", "姓名", "手机"]
    names = [
        "external_id",
        "kind",
        "category",
        "subject",
        "received_at",
        "customer_name",
        "customer_phone",
    ]
    saved = client.post(
        "/import-mappings",
        {"name": "crm", "kind": "cases", "columns": dict(zip(names, header, strict=True))},
    )
    assert saved.status_code == 201
    path = write_csv(tmp_path / "c.csv", [good_row(1)], header=header)
    answer = _upload(client, path, mapping="crm", dry_run="false")
    assert answer.json()["status"] == "done" and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "scopes"),
    [("agent", ["cases:read", "customers:read"]), ("auditor", None), ("outsider", None)],
)
def test_an_upload_without_the_right_scope_or_role_is_refused(
    people, api_as, tmp_path, who, scopes
):
    client = api_as(getattr(people, who), scopes)
    answer = _upload(client, write_csv(tmp_path / "c.csv", [good_row(1)]), dry_run="false")
    assert answer.status_code == 403
    assert not Case.objects.exists()


def test_garbage_uploads_are_refused_by_name(people, api_as):
    client = api_as(people.agent)
    for content in (b"", b"\x00\x01\x02garbage", b"PK\x03\x04not a zip", b"a,b\n1,2\n"):
        answer = client.upload("/imports", {"file": io.BytesIO(content), "department": "sales"})
        assert answer.status_code == 422, (content, answer.content)
        assert answer.json()["error"]["field"] in ("file", "columns"), answer.content
