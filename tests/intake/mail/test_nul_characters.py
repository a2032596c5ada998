"""A NUL in a message (a subject, a name, a body) does not stop its complaint: the text is
recorded without it (PostgreSQL refuses NUL in text), and a service given text with a NUL
names the field instead of failing in the database."""

from __future__ import annotations

import base64

import pytest

from caseledger.cases.models import Case
from caseledger.core.errors import ValidationFailed
from tests.factories import make_case


def test_a_message_with_nul_characters_becomes_a_case_without_them(mailbox):
    from caseledger.intake.mail.receive import mail_receive

    body = base64.b64encode("退款\x00未到账 refund\x00 missing".encode()).decode()
    raw = (
        "From: =?utf-8?b?"
        + base64.b64encode("王\x00伟".encode()).decode()
        + "?= <wang@example.com>\r\n"
        "To: support@caseledger.test\r\nSubject: =?utf-8?b?"
        + base64.b64encode("投诉\x00 complaint".encode()).decode()
        + "?=\r\nMessage-ID: <nul-1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n"
    ).encode()

    result = mail_receive(actor=mailbox.intake_user, mailbox=mailbox, raw=raw, source="test")

    assert result.outcome == "new_case"
    case = Case.objects.get(pk=result.case.pk)
    assert "\x00" not in case.subject + case.description
    assert "投诉 complaint" in case.subject and "退款未到账" in case.description


def test_a_service_names_the_field_that_holds_a_nul(people, customer):
    with pytest.raises(ValidationFailed) as refused:
        make_case(people.agent, customer, subject="扣费\x00两次")
    assert [(e.field, e.code) for e in refused.value.errors or [refused.value]] == [
        ("subject", "nul")
    ]
