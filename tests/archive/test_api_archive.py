"""GET /cases/{ref}/archived and POST /cases/{ref}/restore-from-archive."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.archive.services import archive_run
from caseledger.cases.models import Case
from caseledger.journal.models import Entry
from tests.api.conftest import api_as  # noqa: F401  (the fixture)
from tests.archive.conftest import ARCHIVE_DAY, closed_case

TODAY = dt.date(2026, 11, 22)

pytestmark = pytest.mark.clock(ARCHIVE_DAY)  # written against TODAY; fixtures too


def test_the_archived_record_reads_in_full_through_the_api(people, customer, api_as):  # noqa: F811
    case = closed_case(people, customer)
    description = case.description
    archive_run(actor=None, on=TODAY)

    listed = api_as(people.agent).get("/cases", {"q": case.reference}).json()["items"]
    assert [c["reference"] for c in listed] == [case.reference]  # the stub is still found
    assert listed[0]["archived_at"] is not None and listed[0]["description"] == ""
    response = api_as(people.agent).get(f"/cases/{case.reference}/archived")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["case"]["description"] == description and len(body["notes"]) == 2
    assert Entry.objects.filter(action="case.archive_read", via="api").count() == 1

    outsider = api_as(people.outsider).get(f"/cases/{case.reference}/archived")
    assert outsider.status_code == 404


def test_restore_from_archive_needs_retention_write_and_a_reason(people, customer, api_as):  # noqa: F811
    case = closed_case(people, customer)
    archive_run(actor=None, on=TODAY)
    path = f"/cases/{case.reference}/restore-from-archive"

    assert api_as(people.agent).post(path, {"reason": "x"}).status_code == 403
    manager = api_as(people.records_manager, ["cases:read", "retention:write"])
    assert manager.post(path, {"reason": " "}).status_code == 422
    response = manager.post(path, {"reason": "customer reopened the dispute"})
    assert response.status_code == 200, response.content
    assert response.json()["description"] == Case.objects.get(pk=case.pk).description != ""
    again = manager.post(path, {"reason": "again"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_archived"
    assert api_as(people.agent).get(f"/cases/{case.reference}/archived").status_code == 409
