"""A reply to the customer (intake.reply.services.reply_send) goes out by e-mail, threaded,
and is recorded once as outbound communication on the case — and a reply that could not be
sent says so, stays on the case and can be sent again."""

from __future__ import annotations

import pytest
from django.core import mail

from caseledger.cases.models import Attachment, CaseNote, Channel, NoteKind
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.intake.mail.imports import import_path
from caseledger.intake.models import MailMessage, Outcome
from caseledger.intake.reply.services import Email, reply_retry, reply_send
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


def _refusing_smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2


def test_a_reply_goes_to_the_customer_with_the_reference_and_in_reply_to(emailed_case, people):
    notes_before = Entry.objects.filter(action="case.note").count()

    reply = reply_send(actor=people.agent, case=emailed_case, body="您好，我们将为您更换冰箱。")

    row = reply.message
    assert reply.email == Email.SENT and row is not None
    (sent,) = mail.outbox
    assert sent.to == ["wangxm@example.cn"]
    assert sent.from_email == "support@caseledger.test"
    assert f"[{emailed_case.reference}]" in sent.subject
    assert sent.extra_headers["In-Reply-To"] == "<gbk-0001@mail.example.cn>"
    assert sent.extra_headers["Message-ID"] == f"<{row.message_id}>"
    assert row.outcome == Outcome.SENT and row.note == reply.note
    note = CaseNote.objects.get(case=emailed_case)  # recorded once, not once per channel
    assert (note.kind, note.channel, note.author) == (
        NoteKind.OUTBOUND,
        Channel.EMAIL,
        people.agent,
    )
    assert Entry.objects.filter(action="case.note").count() == notes_before + 1
    assert Attachment.objects.filter(case=emailed_case, sha256=row.raw_sha256).exists()
    actions = list(
        Entry.objects.filter(action__startswith="mail.send").values_list("action", flat=True)
    )
    assert actions == ["mail.send"] and Entry.objects.filter(action="mail.sent").exists()


def test_a_reply_the_server_refuses_is_kept_and_sent_once_the_server_is_back(
    emailed_case, people, settings
):
    _refusing_smtp(settings)

    reply = reply_send(actor=people.agent, case=emailed_case, body="Hello")

    assert reply.email == Email.FAILED and reply.reason
    row = MailMessage.objects.get(direction="out")
    assert row.outcome == Outcome.FAILED and row.reason
    assert CaseNote.objects.get(case=emailed_case).kind == NoteKind.OUTBOUND  # never lost
    assert Entry.objects.filter(action="mail.send_failed").exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = reply_retry(actor=people.agent, message=row)

    assert again.email == Email.SENT
    (sent,) = mail.outbox
    assert sent.extra_headers["Message-ID"] == f"<{row.message_id}>"  # the same message
    assert sent.body == "Hello"
    assert CaseNote.objects.filter(case=emailed_case).count() == 1
    assert MailMessage.objects.filter(direction="out").count() == 1
    with pytest.raises(Conflict):  # sent now: nothing to try again
        reply_retry(actor=people.agent, message=row)


def test_a_reply_given_by_phone_is_recorded_for_the_status_page_and_not_emailed(
    emailed_case, people
):
    reply = reply_send(
        actor=people.agent, case=emailed_case, body="As said on the phone", email=False,
        channel=Channel.PHONE,
    )  # fmt: skip

    assert reply.email == Email.NOT_REQUESTED and reply.message is None
    assert not mail.outbox and not MailMessage.objects.filter(direction="out").exists()
    assert (reply.note.kind, reply.note.channel) == (NoteKind.OUTBOUND, Channel.PHONE)


def test_a_reply_to_a_case_not_from_mail_goes_to_the_customers_address(case, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reply_send(actor=people.agent, case=case, body="Hello")
    (sent,) = mail.outbox
    assert sent.to == [case.customer.contact_points.get(kind="email").value]
    assert "In-Reply-To" not in sent.extra_headers


def test_a_customer_without_an_email_address_still_gets_the_reply_on_the_status_page(
    case, people, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case.customer.contact_points.filter(kind="email").delete()

    reply = reply_send(actor=people.agent, case=case, body="Hello")

    assert reply.email == Email.NO_ADDRESS and not mail.outbox
    assert reply.note.kind == NoteKind.OUTBOUND and reply.note.channel == Channel.WEB_FORM


def test_a_bad_address_is_refused_by_name(case, people):
    with pytest.raises(ValidationFailed) as refused:
        reply_send(actor=people.agent, case=case, body="Hello", to="not an address")
    assert refused.value.field == "to"
    assert not mail.outbox and not CaseNote.objects.filter(case=case).exists()


def test_an_empty_reply_is_refused_by_name(emailed_case, people):
    with pytest.raises(ValidationFailed) as refused:
        reply_send(actor=people.agent, case=emailed_case, body="   ")
    assert refused.value.field == "body"
    assert not mail.outbox


def test_an_agent_of_another_department_cannot_reply_nor_retry(emailed_case, people, settings):
    with pytest.raises(PermissionDenied):
        reply_send(actor=people.outsider, case=emailed_case, body="Hello")
    assert not mail.outbox and not MailMessage.objects.filter(direction="out").exists()
    _refusing_smtp(settings)
    row = reply_send(actor=people.agent, case=emailed_case, body="Hello").message
    assert row is not None
    with pytest.raises(PermissionDenied):
        reply_retry(actor=people.outsider, message=row)
