"""The e-mail channel's pages: a reply e-mailed from the case page (and tried again), and the quarantine list,
each only for the people who may see them."""

from __future__ import annotations

import pytest
from django.core import mail

from caseledger.cases.models import Case, CaseNote, NoteKind
from caseledger.intake.mail.imports import import_path
from tests.intake.mail.conftest import intake_user, mailbox, sample  # noqa: F401


@pytest.fixture
def emailed_case(mailbox, tmp_path, settings):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for name in ("gbk.eml", "malformed.eml"):
        (tmp_path / name).write_bytes(sample(name))
        import_path(tmp_path / name, mailbox=mailbox)
    return Case.objects.get()


def test_an_agent_replies_from_the_one_reply_form_and_it_is_emailed(login, people, emailed_case):
    client = login(people.agent)
    page = client.get(f"/cases/{emailed_case.pk}/").content.decode()
    assert page.count('id="reply-form"') == 1 and 'id="mail-reply"' not in page  # one form

    response = client.post(
        f"/cases/{emailed_case.pk}/reply/",
        {"body": "已为您安排更换。", "to": "", "send_email": "on"},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "it was e-mailed to wa****@example.cn" in page  # masked, as every page shows it
    assert "wangxm@example.cn" not in page
    (sent,) = mail.outbox
    assert emailed_case.reference in sent.subject
    note = CaseNote.objects.get(case=emailed_case)
    assert note.kind == NoteKind.OUTBOUND and note.body == "已为您安排更换。"


def test_a_refused_email_is_shown_on_the_reply_and_try_again_sends_it(
    login, people, emailed_case, settings
):
    from caseledger.intake.models import MailMessage

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client = login(people.agent)

    page = client.post(
        f"/cases/{emailed_case.pk}/reply/", {"body": "Hello", "send_email": "on"}, follow=True
    ).content.decode()

    assert "but the e-mail was not sent" in page and "Try again" in page
    row = MailMessage.objects.get(direction="out")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = client.post(
        f"/cases/{emailed_case.pk}/reply/{row.pk}/retry/", follow=True
    ).content.decode()
    assert "it was e-mailed to" in page and len(mail.outbox) == 1
    assert CaseNote.objects.filter(case=emailed_case).count() == 1


def test_an_empty_reply_is_refused_by_name_and_nothing_sent(login, people, emailed_case):
    response = login(people.agent).post(
        f"/cases/{emailed_case.pk}/reply/", {"body": "", "send_email": "on"}
    )
    assert response.status_code == 422
    assert 'data-field="body"' in response.content.decode()
    assert not mail.outbox and not CaseNote.objects.filter(case=emailed_case).exists()


def test_an_outsider_can_neither_reply_nor_see_the_quarantine(login, people, emailed_case):
    client = login(people.outsider)
    assert client.post(f"/cases/{emailed_case.pk}/reply/", {"body": "x"}).status_code == 404
    page = client.get("/mail/quarantine/").content.decode()
    assert 'id="quarantine-empty"' in page
    assert not mail.outbox


def test_the_quarantine_lists_the_reason_with_the_sender_masked(
    login,
    people,
    emailed_case,
    mailbox,  # noqa: F811
):
    too_big = sample("gbk.eml").replace(b"gbk-0001@", b"held-0001@")
    from caseledger.intake.mail.receive import mail_receive

    with override_limit(100):
        result = mail_receive(
            actor=mailbox.intake_user, mailbox=mailbox, raw=too_big, source="test"
        )
    assert result.outcome == "quarantined", result

    page = login(people.agent).get("/mail/quarantine/").content.decode()
    assert "no valid sender address" in page
    assert "larger than the 100 byte attachment limit" in page
    assert "wa****@example.cn" in page and "wangxm@example.cn" not in page


def override_limit(n: int):
    from django.test import override_settings

    return override_settings(ATTACHMENT_MAX_BYTES=n)


def test_try_again_records_a_message_once_its_cause_is_fixed(
    login,
    people,
    emailed_case,
    mailbox,  # noqa: F811
):
    from caseledger.intake.mail.receive import mail_receive
    from caseledger.intake.models import QuarantinedMessage

    big = sample("big5.eml")
    with override_limit(100):
        mail_receive(actor=mailbox.intake_user, mailbox=mailbox, raw=big, source="test")
    held = QuarantinedMessage.objects.get(reason__contains="larger")
    client = login(people.agent)

    page = client.post(f"/mail/quarantine/{held.pk}/retry/", follow=True).content.decode()

    assert "Recorded: new_case CL-" in page
    held.refresh_from_db()
    assert held.resolved_by == people.agent
    assert f"quarantined-{held.pk}" not in page  # resolved: off the list
    assert client.post(f"/mail/quarantine/{held.pk}/retry/").status_code == 404
