"""POST /api/v1/cases/{id}/replies: the one reply to the customer — recorded once, e-mailed
once even when the request is retried with its Idempotency-Key, refused without the right
to work the case, and described in the OpenAPI document."""

from __future__ import annotations

import json

from django.core import mail

from caseledger.cases.models import CaseNote
from caseledger.intake.models import MailMessage


def test_a_reply_is_recorded_and_emailed_once_however_often_the_request_is_retried(
    people, case, api_as, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    api = api_as(people.agent)

    first = api.post(f"/cases/{case.pk}/replies", {"body": "已处理 Done."}, key="r1")
    again = api.post(f"/cases/{case.pk}/replies", {"body": "已处理 Done."}, key="r1")

    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    body = first.json()
    assert body["email"] == "sent" and body["note"]["kind"] == "outbound"
    assert "*" in body["to"]  # masked
    assert len(mail.outbox) == 1 and case.reference in mail.outbox[0].subject
    assert CaseNote.objects.filter(case=case, kind="outbound").count() == 1
    listed = api.get(f"/cases/{case.pk}/replies").json()
    assert [(r["note"]["body"], r["email"]) for r in listed] == [("已处理 Done.", "sent")]


def test_a_reply_given_by_phone_is_not_emailed(people, case, api_as):
    response = api_as(people.agent).post(
        f"/cases/{case.pk}/replies", {"body": "As said.", "email": False, "channel": "phone"}
    )
    assert response.status_code == 201
    assert response.json()["email"] == "not_requested" and not mail.outbox
    assert response.json()["note"]["channel"] == "phone"


def test_a_refused_email_keeps_the_reply_and_retry_sends_it(people, case, api_as, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    api = api_as(people.agent)

    failed = api.post(f"/cases/{case.pk}/replies", {"body": "Hello"}).json()

    assert failed["email"] == "failed" and failed["reason"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retried = api.post(f"/cases/{case.pk}/replies/{failed['email_id']}/retry", {})
    assert retried.status_code == 200 and retried.json()["email"] == "sent"
    assert len(mail.outbox) == 1
    again = api.post(f"/cases/{case.pk}/replies/{failed['email_id']}/retry", {})
    assert again.status_code == 409


def test_a_reply_is_refused_by_name_or_by_permission_and_leaves_nothing(people, case, api_as):
    empty = api_as(people.agent).post(f"/cases/{case.pk}/replies", {"body": " "})
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "body"
    bad_to = api_as(people.agent).post(f"/cases/{case.pk}/replies", {"body": "x", "to": "nope"})
    assert bad_to.status_code == 422 and bad_to.json()["error"]["field"] == "to"
    outsider = api_as(people.outsider).post(f"/cases/{case.pk}/replies", {"body": "x"})
    assert outsider.status_code in (403, 404)
    read_only = api_as(people.agent, ["cases:read"]).post(
        f"/cases/{case.pk}/replies", {"body": "x"}
    )
    assert read_only.status_code == 403
    assert not CaseNote.objects.filter(case=case).exists()
    assert not MailMessage.objects.exists() and not mail.outbox


def test_the_openapi_document_describes_replies(client, db):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    post = document["paths"]["/api/v1/cases/{case_id}/replies"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in post["parameters"]]
    assert "/api/v1/cases/{case_id}/replies/{email_id}/retry" in document["paths"]
    assert {"note", "email", "reason"} <= set(
        document["components"]["schemas"]["ReplyOut"]["properties"]
    )


def test_the_notes_endpoint_is_not_a_second_door_for_replies(people, case, api_as):
    response = api_as(people.agent).post(
        f"/cases/{case.pk}/notes", {"body": "to them", "kind": "outbound"}
    )
    assert response.status_code == 422
    assert not CaseNote.objects.filter(case=case).exists()
