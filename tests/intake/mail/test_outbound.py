"""Replies from the case page go out by e-mail, threaded, and are recorded as outbound
communication on the case — and a reply that could not be sent says so."""

from __future__ import annotations

import pytest
from django.core import mail

from caseledger.cases.models import Attachment, CaseNote, Channel, NoteKind
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.intake.mail.imports import import_path
from caseledger.intake.mail.outbound import NotSent, mail_reply
from caseledger.intake.models import MailMessage, Outcome
from caseledger.journal.models import Entry
from tests.intake.mail.conftest import sample


@pytest.fixture
def emailed_case(mailbox, tmp_path, settings):
    from caseledger.cases.models import Case

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    path = tmp_path / "gbk.eml"
    path.write_bytes(sample("gbk.eml"))
    import_path(path, mailbox=mailbox)
    return Case.objects.get()


def test_a_reply_goes_to_the_customer_with_the_reference_and_in_reply_to(emailed_case, people):
    row = mail_reply(actor=people.agent, case=emailed_case, body="您好，我们将为您更换冰箱。")

    (sent,) = mail.outbox
    assert sent.to == ["wangxm@example.cn"]
    assert sent.from_email == "support@caseledger.test"
    assert f"[{emailed_case.reference}]" in sent.subject
    assert sent.extra_headers["In-Reply-To"] == "<gbk-0001@mail.example.cn>"
    assert sent.extra_headers["Message-ID"] == f"<{row.message_id}>"
    assert row.outcome == Outcome.SENT
    note = CaseNote.objects.get(case=emailed_case)
    assert (note.kind, note.channel, note.author) == (
        NoteKind.OUTBOUND,
        Channel.EMAIL,
        people.agent,
    )
    assert Attachment.objects.filter(case=emailed_case, sha256=row.raw_sha256).exists()
    actions = list(
        Entry.objects.filter(action__startswith="mail.send").values_list("action", flat=True)
    )
    assert actions == ["mail.send"] and Entry.objects.filter(action="mail.sent").exists()


def test_a_reply_the_server_refuses_is_recorded_as_not_sent(emailed_case, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    with pytest.raises(NotSent, match="recorded on the case but was not sent"):
        mail_reply(actor=people.agent, case=emailed_case, body="Hello")

    row = MailMessage.objects.get(direction="out")
    assert row.outcome == Outcome.FAILED and row.reason
    assert Entry.objects.filter(action="mail.send_failed").exists()


def test_a_reply_to_a_case_not_from_mail_goes_to_the_customers_address(case, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail_reply(actor=people.agent, case=case, body="Hello")
    (sent,) = mail.outbox
    assert sent.to == [case.customer.contact_points.get(kind="email").value]
    assert "In-Reply-To" not in sent.extra_headers


def test_a_bad_address_is_refused_by_name(case, people):
    with pytest.raises(ValidationFailed) as refused:
        mail_reply(actor=people.agent, case=case, body="Hello", to="not an address")
    assert refused.value.field == "to"
    assert not mail.outbox


def test_an_empty_reply_is_refused_by_name(emailed_case, people):
    with pytest.raises(ValidationFailed) as refused:
        mail_reply(actor=people.agent, case=emailed_case, body="   ")
    assert refused.value.field == "body"
    assert not mail.outbox


def test_an_agent_of_another_department_cannot_reply(emailed_case, people):
    with pytest.raises(PermissionDenied):
        mail_reply(actor=people.outsider, case=emailed_case, body="Hello")
    assert not mail.outbox and not MailMessage.objects.filter(direction="out").exists()
