"""Scenarios for cases/services.py::case_attachment_remove: a wrongly attached file leaves
the case with a reason; the row and its content stay until disposition; the history shows
it; a legal hold refuses it naming the matter; the API and the web page offer it."""

from __future__ import annotations

import io

import pytest

from caseledger.cases import storage
from caseledger.cases.models import Attachment
from caseledger.cases.services import case_attachment_add, case_attachment_remove
from caseledger.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.journal.queries import history
from caseledger.retention.errors import Held
from caseledger.retention.services import hold_place

CONTENT = "别人的身份证扫描件 someone else's ID scan".encode()


@pytest.fixture
def attached(people, case):
    return case_attachment_add(
        actor=people.agent, case=case, stream=io.BytesIO(CONTENT), filename="wrong.pdf"
    )


def _hold(people, case, matter="Matter 2026-044"):
    return hold_place(
        actor=people.compliance, matter=matter, reason="suit", scope="cases", cases=[case.pk]
    )


def test_an_agent_removes_a_wrong_file_and_the_content_stays_until_disposition(
    people, case, attached
):
    removed = case_attachment_remove(
        actor=people.agent, attachment=attached, reason="attached to the wrong case"
    )
    assert removed.removed_at is not None and removed.removed_by == people.agent
    assert Attachment.objects.filter(pk=attached.pk).exists()  # marked, not deleted
    assert storage.path_for(attached.sha256).read_bytes() == CONTENT
    entry = Entry.objects.get(action="case.attachment_remove")
    assert entry.reason == "attached to the wrong case" and entry.actor_name == "alice"
    assert entry.object_type == "attachment" and entry.object_id == str(attached.pk)
    assert "case.attachment_remove" in [e.action for e in history(f"case:{case.pk}")]


def test_removal_needs_a_reason_and_a_refusal_leaves_nothing(people, attached):
    entries = Entry.objects.count()
    for reason in ("", "   ", "x" * 5001):
        with pytest.raises(ValidationFailed) as caught:
            case_attachment_remove(actor=people.agent, attachment=attached, reason=reason)
        assert caught.value.field == "reason"
    attached.refresh_from_db()
    assert attached.removed_at is None and Entry.objects.count() == entries


def test_a_held_case_refuses_the_removal_naming_the_matter(people, case, attached):
    _hold(people, case)
    entries = Entry.objects.count()
    with pytest.raises(Held, match="Matter 2026-044"):
        case_attachment_remove(actor=people.agent, attachment=attached, reason="wrong case")
    attached.refresh_from_db()
    assert attached.removed_at is None and Entry.objects.count() == entries


def test_only_who_may_change_the_case_removes_and_only_once(people, attached):
    for who in (people.auditor, people.records_manager, people.outsider):
        with pytest.raises(PermissionDenied):
            case_attachment_remove(actor=who, attachment=attached, reason="not mine")
    case_attachment_remove(actor=people.supervisor, attachment=attached, reason="wrong case")
    with pytest.raises(Conflict, match="already removed"):
        case_attachment_remove(actor=people.agent, attachment=attached, reason="again")


def test_api_delete_needs_a_reason_removes_and_the_list_and_download_drop_it(
    people, case, attached, api_as
):
    api = api_as(people.agent)
    path = f"/cases/{case.pk}/attachments/{attached.pk}"
    read_only = api_as(people.agent, ["cases:read"])
    scoped_out = read_only.client.delete(
        f"/api/v1{path}", '{"reason": "x"}', content_type="application/json",
        **read_only._headers(None),
    )  # fmt: skip
    assert scoped_out.status_code == 403
    missing = api.client.delete(f"/api/v1{path}", **api._headers(None))
    assert missing.status_code == 422
    blank = api.client.delete(
        f"/api/v1{path}", '{"reason": "  "}', content_type="application/json",
        **api._headers(None),
    )  # fmt: skip
    assert blank.status_code == 422 and blank.json()["error"]["field"] == "reason"
    done = api.client.delete(
        f"/api/v1{path}", '{"reason": "wrong case"}', content_type="application/json",
        **api._headers(None),
    )  # fmt: skip
    assert done.status_code == 200, done.content
    assert done.json()["removed_reason"] == "wrong case" and done.json()["removed_at"]
    assert api.get(f"/cases/{case.pk}/attachments").json() == []
    assert api.get(f"/attachments/{attached.pk}").status_code == 404
    assert Entry.objects.filter(action="case.attachment_remove", via="api").count() == 1
    again = api.client.delete(
        f"/api/v1{path}", '{"reason": "x"}', content_type="application/json",
        **api._headers(None),
    )  # fmt: skip
    assert again.status_code == 404 and "removed" in again.json()["error"]["message"]


def test_api_delete_on_a_held_case_is_409_naming_the_matter(people, case, attached, api_as):
    _hold(people, case, matter="Regulator 12")
    api = api_as(people.agent)
    refused = api.client.delete(
        f"/api/v1/cases/{case.pk}/attachments/{attached.pk}", '{"reason": "wrong case"}',
        content_type="application/json", **api._headers(None),
    )  # fmt: skip
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "held"
    assert "Regulator 12" in refused.json()["error"]["message"]


def test_api_delete_of_an_attachment_of_another_case_is_404(people, case, customer, api_as):
    from tests.factories import make_case

    other = make_case(people.agent, customer)
    theirs = case_attachment_add(
        actor=people.agent, case=other, stream=io.BytesIO(b"x"), filename="x.txt"
    )
    api = api_as(people.agent)
    response = api.client.delete(
        f"/api/v1/cases/{case.pk}/attachments/{theirs.pk}", '{"reason": "x"}',
        content_type="application/json", **api._headers(None),
    )  # fmt: skip
    assert response.status_code == 404
    with pytest.raises(NotFound):
        from caseledger.cases.queries import attachment_get

        attachment_get(actor=people.agent, attachment_id=theirs.pk, case=case)


def test_web_case_page_offers_removal_with_a_confirmation_and_a_reason_in_zh_hans(
    people, case, attached, login
):
    client = login(people.agent)
    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"/attachments/{attached.pk}/remove/" in page
    confirm = client.get(f"/attachments/{attached.pk}/remove/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = confirm.content.decode()
    assert confirm.status_code == 200 and "wrong.pdf" in text and "移除附件" in text
    blank = client.post(f"/attachments/{attached.pk}/remove/", {"reason": " "})
    assert blank.status_code == 422
    done = client.post(
        f"/attachments/{attached.pk}/remove/",
        {"reason": "传错了案件 wrong case"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert done.status_code == 302
    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"/attachments/{attached.pk}/remove/" not in page
    assert "已移除的附件" in page and "传错了案件 wrong case" in page
    assert client.get(f"/attachments/{attached.pk}/").status_code == 404
    history_page = client.get(f"/cases/{case.pk}/history/").content.decode()
    assert "传错了案件 wrong case" in history_page
    auditor = login(people.auditor).get(f"/cases/{case.pk}/").content.decode()
    assert "/remove/" not in auditor


def test_web_removal_on_a_held_case_shows_the_hold(people, case, attached, login):
    _hold(people, case, matter="Matter 2026-045")
    response = login(people.agent).post(
        f"/attachments/{attached.pk}/remove/", {"reason": "wrong case"}
    )
    assert response.status_code == 409 and "Matter 2026-045" in response.content.decode()
    attached.refresh_from_db()
    assert attached.removed_at is None
