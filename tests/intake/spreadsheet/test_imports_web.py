"""The import pages: behind login and the right permission; an upload checked, its bad
rows shown, imported and undone; garbage files never give a 500 (hypothesis, bounded)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.cases.models import Case
from caseledger.intake.spreadsheet.models import ImportBatch
from tests.intake.spreadsheet.helpers import good_row, write_csv

pytestmark = pytest.mark.clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))


def _post(client: Client, people, name: str, content: bytes, *, commit: bool = False):
    data = {
        "file": SimpleUploadedFile(name, content),
        "department": people.sales.pk,
        "kind": "cases",
        "mode": "valid-only",
        "mapping": "",
        **({"commit": "1"} if commit else {"check": "1"}),
    }
    return client.post("/imports/", data)


def test_an_agent_checks_a_sheet_sees_its_bad_rows_then_imports_and_undoes_it(
    people, login, tmp_path
):
    client = login(people.agent)
    assert "/imports/" in client.get("/cases/").content.decode()
    bad = [*good_row(2)[:3], "", *good_row(2)[4:]]
    path = write_csv(tmp_path / "c.csv", [good_row(1), bad], encoding="utf-8-sig")
    answer = _post(client, people, "c.csv", path.read_bytes())
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert 'id="import-bad">1<' in page and "subject" in page
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/commit")
    assert Case.objects.count() == 1
    report = client.get(f"/imports/{batch.pk}/report.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    client.post(f"/imports/{batch.pk}/undo", {"reason": "wrong sheet"})
    assert not Case.objects.exists()


def test_the_import_page_is_refused_to_an_auditor_and_to_anonymous_visitors(people, login):
    assert Client().get("/imports/").status_code == 302  # to the login page
    auditor = login(people.auditor)
    answer = _post(auditor, people, "c.csv", b"subject\nx\n")
    assert answer.status_code in (403, 422)
    assert not ImportBatch.objects.exists()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
        st.text(max_size=300).map(lambda t: ("subject,kind,category\n" + t).encode()),
        st.text(max_size=300).map(lambda t: t.encode("gb18030", errors="replace")),
    ),
    name=st.sampled_from(["a.csv", "a.xlsx", "noname"]),
)
def test_a_garbage_file_never_gives_a_500(people, login, content, name):
    client = login(people.agent)
    answer = _post(client, people, name, content, commit=True)
    assert answer.status_code in (302, 422), answer.content[:500]
    if answer.status_code == 302:
        assert client.get(answer["Location"]).status_code == 200


def test_a_file_unreadable_past_its_header_refuses_the_batch_with_the_reason(people, login):
    client = login(people.agent)
    content = b"subject,kind,category\n" + b'"x' + b"y" * 200_000 + b'",complaint,service\n'
    answer = _post(client, people, "big.csv", content, commit=True)
    batch = ImportBatch.objects.get()
    assert answer.status_code == 302 and batch.status == "refused"
    problem = batch.problems.get()
    assert (problem.row, problem.field) == (0, "file") and "CSV" in problem.message
