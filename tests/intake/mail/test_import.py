"""Importing old mail from .eml, mbox and Maildir: the same recording as a fetch, and
importing the same history twice records it once."""

from __future__ import annotations

import json
import mailbox as stdlib_mailbox

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.intake.mail.imports import import_path
from caseledger.intake.models import MailMessage, QuarantinedMessage
from caseledger.journal.models import Entry
from tests.intake.mail.conftest import sample

ALL = ("gbk.eml", "big5.eml", "gb18030.eml", "with_attachments.eml", "bounce.eml",
       "auto_reply.eml", "malformed.eml")  # fmt: skip
EXPECTED = {"new_case": 4, "ignored": 2, "quarantined": 1}


def test_an_eml_file_opens_a_case_with_its_attachments(mailbox, tmp_path):
    path = tmp_path / "one.eml"
    path.write_bytes(sample("with_attachments.eml"))

    assert import_path(path, mailbox=mailbox) == {"new_case": 1}

    case = Case.objects.get()
    assert case.category == "product_quality"  # the mailbox's category
    assert case.description == "The parcel arrived crushed. Photo and invoice attached."
    names = sorted(Attachment.objects.filter(case=case).values_list("filename", flat=True))
    assert names == ["attach-0001_example.org.eml", "photo.png", "发票.pdf"]


def test_an_mbox_imports_every_message_once_even_twice(mailbox, tmp_path):
    path = tmp_path / "history.mbox"
    box = stdlib_mailbox.mbox(path)
    for name in ALL:
        box.add(sample(name))
    box.close()

    assert import_path(path, mailbox=mailbox) == EXPECTED
    assert import_path(path, mailbox=mailbox) == {"duplicate": len(ALL)}
    assert Case.objects.count() == 4
    assert QuarantinedMessage.objects.count() == 1


def test_a_maildir_imports_like_an_mbox(mailbox, tmp_path):
    box = stdlib_mailbox.Maildir(tmp_path / "Maildir")
    for name in ALL:
        box.add(sample(name))

    assert import_path(tmp_path / "Maildir", mailbox=mailbox) == EXPECTED
    sources = set(MailMessage.objects.values_list("source", flat=True))
    assert all(s.startswith("maildir ") for s in sources)


@pytest.mark.parametrize(
    ("name", "subject", "fragment"),
    [
        (
            "gbk.eml",
            "投诉：冰箱损坏（镕）",
            "朱镕 陶喆",
        ),  # GBK-only characters under a GB2312 label
        ("big5.eml", "訂單未送達", "請協助查詢"),  # Big5, quoted-printable body and subject
        ("gb18030.eml", "退款申请", "¥99。𠀀"),  # GB18030 four-byte character, UTF-8 subject
    ],
)
def test_chinese_charsets_decode(mailbox, tmp_path, name, subject, fragment):
    path = tmp_path / name
    path.write_bytes(sample(name))

    import_path(path, mailbox=mailbox)

    case = Case.objects.get()
    assert case.subject == subject
    assert fragment in case.description


def test_the_cli_imports_as_import_and_lists_the_quarantine(mailbox, tmp_path, capsys):
    folder = tmp_path / "old"
    folder.mkdir()
    for name in ("gbk.eml", "malformed.eml"):
        (folder / name).write_bytes(sample(name))

    call_command("mail", "import", str(folder), "--mailbox", "support", "--json")
    counts = json.loads(capsys.readouterr().out)
    call_command("mail", "quarantine", "--json")
    listed = json.loads(capsys.readouterr().out)

    assert counts == {"new_case": 1, "quarantined": 1}
    assert Entry.objects.get(action="mail.receive").via == "import"
    assert [row["mailbox"] for row in listed] == ["support"]
    assert "sender" in listed[0]["reason"]


def test_the_cli_names_a_missing_mailbox(mailbox, tmp_path):
    path = tmp_path / "x.eml"
    path.write_bytes(sample("gbk.eml"))
    with pytest.raises(CommandError, match="mailbox 'nope' does not exist"):
        call_command("mail", "import", str(path), "--mailbox", "nope")


def test_a_reply_to_a_held_case_is_quarantined_not_lost(mailbox, people, tmp_path):
    _quarantine_a_reply_to_a_held_case(mailbox, people, tmp_path)


def _quarantine_a_reply_to_a_held_case(mailbox, people, tmp_path):
    from caseledger.retention.services import hold_place

    first = tmp_path / "first.eml"
    first.write_bytes(sample("gbk.eml"))
    import_path(first, mailbox=mailbox)
    case = Case.objects.get()
    hold_place(
        actor=people.records_manager, matter="M-1", reason="litigation", scope="cases",
        cases=[case.reference],
    )  # fmt: skip
    reply = tmp_path / "reply.eml"
    reply.write_bytes(sample("qq_reply.eml", REFERENCE=case.reference))

    assert import_path(reply, mailbox=mailbox) == {"quarantined": 1}
    assert "hold" in QuarantinedMessage.objects.get().reason
    assert not CaseNote.objects.filter(case=case).exists()
    return case


def test_a_quarantined_reply_is_recorded_when_tried_again_after_the_hold_is_released(
    mailbox, people, tmp_path, capsys
):
    from caseledger.intake.mail.quarantine import quarantine_retry
    from caseledger.retention.models import LegalHold
    from caseledger.retention.services import hold_release

    case = _quarantine_a_reply_to_a_held_case(mailbox, people, tmp_path)
    held = QuarantinedMessage.objects.get()
    assert quarantine_retry(actor=people.agent, message=held).outcome == "quarantined"
    assert QuarantinedMessage.objects.get().resolved_at is None  # still held: still waiting

    hold_release(actor=people.records_manager, hold=LegalHold.objects.get(), reason="settled")
    call_command("mail", "retry", str(held.pk), "--as", "alice", "--json")

    assert json.loads(capsys.readouterr().out)["outcome"] == "threaded"
    assert CaseNote.objects.get(case=case).body == "好的，我补充一下：冰箱门也关不上。"
    held.refresh_from_db()
    assert (held.resolved_by, held.resolution) == (people.agent, f"threaded {case.reference}")
    assert Entry.objects.filter(action="mail.quarantine_resolve").count() == 1
    call_command("mail", "quarantine", "--json")
    assert json.loads(capsys.readouterr().out) == []  # resolved ones leave the list
    with pytest.raises(CommandError, match="already resolved"):
        call_command("mail", "retry", str(held.pk), "--as", "alice")


def test_an_agent_of_another_department_cannot_retry(mailbox, people, tmp_path):
    from caseledger.core.errors import PermissionDenied
    from caseledger.intake.mail.quarantine import quarantine_retry

    _quarantine_a_reply_to_a_held_case(mailbox, people, tmp_path)
    with pytest.raises(PermissionDenied):
        quarantine_retry(actor=people.outsider, message=QuarantinedMessage.objects.get())
    assert not Entry.objects.filter(action__startswith="mail.quarantine_").exists()


def test_an_administrator_adds_a_mailbox_and_sets_its_password_from_the_cli(
    people, intake_user, monkeypatch, capsys
):
    from caseledger.intake.mail.services import mailbox_password
    from caseledger.intake.models import Mailbox

    monkeypatch.setenv("BOX_PW", "第一个密码")
    call_command(
        "mail", "mailbox-add", "cn", "--as", "adam", "--department", "sales",
        "--address", "cn@caseledger.test", "--intake-user", "mailbot",
        "--host", "imap.example.cn", "--password-env", "BOX_PW",
    )  # fmt: skip
    monkeypatch.setenv("BOX_PW", "second")
    call_command("mail", "mailbox-password", "cn", "--as", "adam", "--password-env", "BOX_PW")

    box = Mailbox.objects.get(name="cn")
    assert mailbox_password(box) == "second" and "second" not in box.password
    assert Entry.objects.filter(action="mailbox.update", reason="password set again").exists()
    capsys.readouterr()
    call_command("mail", "mailboxes", "--json")
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["name"], listed["host"], listed["intake_user"]) == (
        "cn",
        "imap.example.cn",
        "mailbot",
    )


def test_only_an_administrator_configures_mailboxes(people, intake_user):
    from caseledger.core.errors import PermissionDenied
    from caseledger.intake.mail.services import mailbox_create

    with pytest.raises(PermissionDenied):
        mailbox_create(
            actor=people.supervisor,
            data={"name": "x", "department": people.sales, "address": "x@caseledger.test",
                  "intake_user": intake_user},
        )  # fmt: skip


def test_a_destroyed_case_takes_its_mail_details_along_and_does_not_come_back(mailbox, tmp_path):
    from caseledger.disposition.records import destroy

    path = tmp_path / "gbk.eml"
    path.write_bytes(sample("gbk.eml"))
    import_path(path, mailbox=mailbox)
    case = Case.objects.get()
    before = MailMessage.objects.get()

    destroy(case, "CD-TEST-1")

    row = MailMessage.objects.get(pk=before.pk)
    assert (row.case_id, row.address, row.subject, row.raw_sha256) == (None, "", "", "")
    assert import_path(path, mailbox=mailbox) == {"duplicate": 1}
    assert not Case.objects.exists()


@pytest.mark.parametrize("reopen", [True, False])
def test_a_reply_to_a_closed_case_reopens_it_unless_configured_not_to(
    mailbox, people, tmp_path, settings, reopen
):
    from caseledger.cases.services import case_update

    settings.MAIL_REOPEN_CLOSED = reopen
    first = tmp_path / "first.eml"
    first.write_bytes(sample("gbk.eml"))
    import_path(first, mailbox=mailbox)
    case = case_update(
        actor=people.agent, case=Case.objects.get(), data={"status": "closed", "resolution": "换新"}
    )
    reply = tmp_path / "reply.eml"
    reply.write_bytes(sample("qq_reply.eml", REFERENCE=case.reference))

    assert import_path(reply, mailbox=mailbox) == {"threaded": 1}

    case.refresh_from_db()
    assert case.status == ("reopened" if reopen else "closed")
    assert (
        Entry.objects.filter(action="case.transition", reason__contains="wrote again").exists()
        is reopen
    )
