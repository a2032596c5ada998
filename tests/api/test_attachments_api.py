"""Attachments over the API: upload, list, download, and who may fetch them."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from caseledger.cases.models import Attachment
from caseledger.journal.models import Entry

CONTENT = "账单 March bill: charged twice\n".encode()


def _file(name: str = "bill.txt", content: bytes = CONTENT, content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_upload_then_download_returns_the_same_bytes(people, case, api_as):
    api = api_as(people.agent)

    uploaded = api.upload(f"/cases/{case.pk}/attachments", {"file": _file()})

    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["sha256"] == hashlib.sha256(CONTENT).hexdigest()
    assert body["size"] == len(CONTENT)
    assert body["content_type"] == "text/plain"
    assert body["filename"] == "bill.txt"
    assert body["case"] == case.reference
    listed = api.get(f"/cases/{case.pk}/attachments").json()
    assert [a["id"] for a in listed] == [body["id"]]

    download = api.get(f"/attachments/{body['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == CONTENT
    assert download["Content-Type"] == "text/plain"
    assert "attachment" in download["Content-Disposition"]
    assert Entry.objects.filter(action="case.attachment", via="api").count() == 1


def test_an_outsider_cannot_download_another_departments_attachment(people, case, api_as):
    uploaded = api_as(people.agent).upload(f"/cases/{case.pk}/attachments", {"file": _file()})

    response = api_as(people.outsider).get(f"/attachments/{uploaded.json()['id']}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_upload_without_a_file_or_an_empty_one_is_refused(people, case, api_as):
    api = api_as(people.agent)
    entries = Entry.objects.count()

    missing = api.upload(f"/cases/{case.pk}/attachments", {"other": "x"})
    empty = api.upload(f"/cases/{case.pk}/attachments", {"file": _file(content=b"")})

    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "file"
    assert empty.status_code == 422
    assert empty.json()["error"]["field"] == "file"
    assert not Attachment.objects.exists()
    assert Entry.objects.count() == entries


def test_a_file_over_the_limit_is_refused(people, case, api_as, settings):
    settings.ATTACHMENT_MAX_BYTES = 10

    response = api_as(people.agent).upload(f"/cases/{case.pk}/attachments", {"file": _file()})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_large"
    assert not Attachment.objects.exists()
