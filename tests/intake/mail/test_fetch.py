"""Polling a real IMAP server (Dovecot on 127.0.0.1): new mail opens cases, replies
thread onto them, machines' mail and loops open nothing, broken mail is quarantined, and
fetching again records nothing twice."""

from __future__ import annotations

import json

import pytest

from caseledger.cases.models import Attachment, Case, CaseNote, Channel, NoteKind
from caseledger.intake.mail.fetch import fetch_mailbox
from caseledger.intake.models import MailMessage, QuarantinedMessage
from caseledger.journal.models import Entry
from tests.intake.mail.conftest import sample

pytestmark = pytest.mark.slow


def put(client, folder: str, raw: bytes) -> None:
    client.append(raw, folder)


def test_new_mail_in_the_mailbox_opens_a_case_with_the_whole_message_attached(imap_mailbox):
    box, client = imap_mailbox
    put(client, box.folder, sample("gbk.eml"))

    report = fetch_mailbox(box)

    assert report.counts == {"new_case": 1}, report
    case = Case.objects.get()
    assert case.channel == Channel.EMAIL
    assert case.subject == "投诉：冰箱损坏（镕）"
    assert "朱镕 陶喆" in case.description
    assert case.customer.name == "王小明"
    assert case.customer.contact_points.get().value == "wangxm@example.cn"
    eml = Attachment.objects.get(case=case)
    assert eml.content_type == "message/rfc822"
    assert eml.sha256 == MailMessage.objects.get().raw_sha256
    # The journal says which door and which message: channel and source.
    entry = Entry.objects.get(action="mail.receive")
    assert json.loads(entry.payload.body)["extra"]["message_id"] == "gbk-0001@mail.example.cn"
    assert "imap support/" in json.loads(entry.payload.body)["extra"]["source"]
    assert "gbk-0001@mail.example.cn" in Entry.objects.get(action="case.create").reason


def test_fetching_again_records_each_message_once(imap_mailbox):
    box, client = imap_mailbox
    put(client, box.folder, sample("big5.eml"))
    assert fetch_mailbox(box).counts == {"new_case": 1}
    put(client, box.folder, sample("big5.eml"))  # the same message delivered twice
    box.cursor.delete()  # and the cursor lost: every message is read again

    report = fetch_mailbox(box)

    assert report.counts == {"duplicate": 2}
    assert Case.objects.count() == 1
    assert MailMessage.objects.count() == 1


def test_a_qq_mail_reply_without_reply_headers_lands_on_its_case_by_subject_reference(
    imap_mailbox,
):
    box, client = imap_mailbox
    put(client, box.folder, sample("gbk.eml"))
    fetch_mailbox(box)
    case = Case.objects.get()
    put(client, box.folder, sample("qq_reply.eml", REFERENCE=case.reference))

    report = fetch_mailbox(box)

    assert report.counts == {"threaded": 1}
    note = CaseNote.objects.get(case=case)
    assert note.kind == NoteKind.INBOUND and note.channel == Channel.EMAIL
    assert note.body == "好的，我补充一下：冰箱门也关不上。"  # QQ Mail's quoted history cut
    assert MailMessage.objects.get(note=note).reason == "subject reference and sender"
    assert Case.objects.count() == 1


def test_a_subject_reference_from_a_stranger_opens_a_new_case(imap_mailbox):
    box, client = imap_mailbox
    put(client, box.folder, sample("gbk.eml"))
    fetch_mailbox(box)
    case = Case.objects.get()
    stranger = sample("qq_reply.eml", REFERENCE=case.reference).replace(
        b"wangxm@example.cn>", b"someone.else@example.net>", 1
    )
    put(client, box.folder, stranger)

    fetch_mailbox(box)

    assert Case.objects.count() == 2
    assert not CaseNote.objects.filter(case=case).exists()


def test_a_reply_with_in_reply_to_lands_on_the_case_it_answers(imap_mailbox, settings):
    from caseledger.intake.reply.services import reply_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    box, client = imap_mailbox
    put(client, box.folder, sample("with_attachments.eml"))
    fetch_mailbox(box)
    case = Case.objects.get()
    sent = reply_send(
        actor=box.intake_user, case=case, body="We are sorry; a new one is on its way."
    ).message
    assert sent is not None
    answer = (
        "From: Zhao Lei <zhao@example.org>\r\nTo: support@caseledger.test\r\n"
        "Subject: Thanks\r\n"  # no reference in the subject: only the header can thread it
        f"Message-ID: <answer-1@example.org>\r\nIn-Reply-To: <{sent.message_id}>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThank you!\r\n"
    ).encode()
    put(client, box.folder, answer)

    report = fetch_mailbox(box)

    assert report.counts == {"threaded": 1}
    assert MailMessage.objects.get(message_id="answer-1@example.org").case == case
    assert MailMessage.objects.get(message_id="answer-1@example.org").reason == "in-reply-to"


def test_bounces_auto_replies_and_our_own_mail_open_no_case(imap_mailbox):
    box, client = imap_mailbox
    put(client, box.folder, sample("bounce.eml"))
    put(client, box.folder, sample("auto_reply.eml"))
    loop = sample("gbk.eml").replace(b"wangxm@example.cn", b"support@caseledger.test")
    put(client, box.folder, loop.replace(b"gbk-0001@", b"loop-0001@"))

    report = fetch_mailbox(box)

    assert report.counts == {"ignored": 3}
    assert not Case.objects.exists()
    reasons = sorted(MailMessage.objects.values_list("reason", flat=True))
    assert any("Auto-Submitted" in r for r in reasons)
    assert any("Precedence: auto_reply" in r for r in reasons)
    assert any("mail loop" in r for r in reasons)


def test_a_message_that_cannot_be_read_is_quarantined_with_its_reason_and_kept(imap_mailbox):
    from caseledger.cases import storage

    box, client = imap_mailbox
    raw = sample("malformed.eml")
    put(client, box.folder, raw)

    report = fetch_mailbox(box)

    assert report.counts == {"quarantined": 1}
    held = QuarantinedMessage.objects.get()
    assert "sender" in held.reason
    with storage.open_file(held.raw_sha256) as fh:
        assert fh.read().replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    assert Entry.objects.filter(action="mail.quarantine").count() == 1
    assert fetch_mailbox(box).counts == {}  # the cursor moved past it


def test_a_refused_login_is_reported_and_nothing_is_recorded(imap_mailbox, people):
    from caseledger.intake.mail.services import mailbox_update

    box, client = imap_mailbox
    put(client, box.folder, sample("gbk.eml"))
    box = mailbox_update(actor=people.admin, mailbox=box, data={"password": "wrong"})

    report = fetch_mailbox(box)

    assert "AUTHENTICATIONFAILED" in report.error or "uthentication" in report.error
    assert "wrong" not in report.error
    assert not Case.objects.exists()
    assert box.cursor.last_error == report.error


def test_the_imap_password_is_sealed_at_rest_and_never_journaled(imap_mailbox, dovecot_server):
    from caseledger.journal.models import Payload

    box, _client = imap_mailbox
    assert box.password.startswith("v1:")
    assert dovecot_server.password not in box.password
    bodies = "".join(p.body for p in Payload.objects.all())
    assert box.password not in bodies and dovecot_server.password not in bodies


def test_the_worker_job_polls_every_active_mailbox(imap_mailbox):
    from caseledger.intake.tasks import mail_fetch

    box, client = imap_mailbox
    put(client, box.folder, sample("gb18030.eml"))

    result = mail_fetch()

    assert result == [{"mailbox": "support", "new_case": 1}]
    assert Entry.objects.get(action="mail.receive").via == "worker"
    assert "𠀀" in Case.objects.get().description
