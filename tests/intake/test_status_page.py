"""/complain/status/: with the reference and the lookup code a customer sees their case's
status and the replies written to them, never internal notes; guessing is throttled and a
wrong code looks exactly like an unknown reference."""

from __future__ import annotations

import pytest
from django.core import mail

from caseledger.cases.models import Case, CaseNote
from caseledger.cases.services import case_note_add, case_update
from caseledger.core.errors import PermissionDenied
from caseledger.intake.reply.services import Email, reply_send
from caseledger.journal.models import Entry
from tests.intake.conftest import complaint, solved
from tests.intake.test_public_form import _filed

MISMATCH = "The reference and the lookup code do not match a complaint."


@pytest.fixture
def filed(visitor, people):
    response = visitor.post("/complain/", complaint(altcha=solved(visitor)))
    assert response.status_code == 201
    reference, code = _filed(response)
    return Case.objects.get(reference=reference), code


def test_the_customer_sees_the_status_and_the_reply_but_not_the_internal_note(
    visitor, people, filed
):
    case, code = filed
    case_note_add(actor=people.agent, case=case, body="内部：客户上次也投诉过 INTERNAL ONLY")
    case_note_add(actor=people.agent, case=case, body="客户来电 CALL LOG", kind="inbound")
    done = reply_send(actor=people.agent, case=case, body="已退款 We refunded the charge.")
    case_update(actor=people.agent, case=case, data={"status": "acknowledged"})

    response = visitor.post("/complain/status/", {"reference": case.reference, "code": code})

    assert response.status_code == 200
    text = response.content.decode()
    assert "We refunded the charge." in text and "Acknowledged" in text
    assert "INTERNAL ONLY" not in text and "CALL LOG" not in text
    assert (done.note.kind, done.note.channel, done.email) == ("outbound", "email", Email.SENT)
    assert mail.outbox[-1].body == "已退款 We refunded the charge."  # and by e-mail, once
    assert case.reference in mail.outbox[-1].subject
    assert CaseNote.objects.filter(case=case, kind="outbound").count() == 1
    look = Entry.objects.get(action="intake.status_view")
    assert look.root == f"case:{case.pk}" and look.via == "web"


def test_the_code_may_be_typed_in_lower_case_without_dashes(visitor, people, filed):
    case, code = filed
    typed = code.replace("-", " ").lower()
    response = visitor.post(
        "/complain/status/", {"reference": case.reference.lower(), "code": typed}
    )
    assert response.status_code == 200 and 'id="case-status"' in response.content.decode()


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(visitor, people, filed):
    case, code = filed
    before = Entry.objects.count()
    wrong = visitor.post("/complain/status/", {"reference": case.reference, "code": "AAAA-AAAA"})
    unknown = visitor.post("/complain/status/", {"reference": "CL-1999-000001", "code": code})
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert MISMATCH in response.content.decode()
        assert "Our replies" not in response.content.decode()
    assert Entry.objects.count() == before  # a failed look reads nothing: nothing to journal
    empty = visitor.post("/complain/status/", {})
    assert empty.status_code == 422 and 'data-field="code"' in empty.content.decode()


def test_the_answer_is_in_chinese_for_a_chinese_visitor(people, filed):
    from django.test import Client

    case, _code = filed
    visitor = Client(REMOTE_ADDR="203.0.113.20", HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = visitor.post("/complain/status/", {"reference": case.reference, "code": "x"})
    assert "查询码不匹配" in response.content.decode()


def test_guessing_is_throttled_per_address_and_per_reference(people, filed, settings):
    from django.test import Client

    case, code = filed
    settings.INTAKE_STATUS_RATE_IP = "3/h"
    settings.INTAKE_STATUS_RATE_REFERENCE = "5/h"
    guesser = Client(REMOTE_ADDR="192.0.2.50")
    for _ in range(3):
        assert (
            guesser.post(
                "/complain/status/", {"reference": case.reference, "code": "X"}
            ).status_code
            == 422
        )
    # The right code too: once limited, the address learns nothing more.
    limited = guesser.post("/complain/status/", {"reference": case.reference, "code": code})
    assert limited.status_code == 429 and "Too many attempts" in limited.content.decode()
    # From other addresses, the case's reference has its own budget (4 counted so far).
    other = Client(REMOTE_ADDR="192.0.2.51")
    assert (
        other.post("/complain/status/", {"reference": case.reference, "code": "Y"}).status_code
        == 422
    )
    assert (
        other.post("/complain/status/", {"reference": case.reference, "code": code}).status_code
        == 429
    )
    assert (
        other.post("/complain/status/", {"reference": "CL-2000-000009", "code": "Z"}).status_code
        == 422
    )


def test_a_reply_needs_the_right_to_work_the_case(people, filed):
    case, _code = filed
    with pytest.raises(PermissionDenied):
        reply_send(actor=people.outsider, case=case, body="not my department")
    assert not CaseNote.objects.filter(case=case, kind="outbound").exists()


def test_an_agent_replies_from_the_case_page_and_the_customer_is_emailed(people, filed, login):
    case, _code = filed
    page = login(people.agent)
    assert 'id="reply-form"' in page.get(f"/cases/{case.pk}/").content.decode()
    before = len(mail.outbox)
    response = page.post(
        f"/cases/{case.pk}/reply/", {"body": "我们已处理 Handled.", "send_email": "on"}
    )
    assert response.status_code == 302
    note = CaseNote.objects.get(case=case, kind="outbound")
    assert note.body == "我们已处理 Handled." and note.author == people.agent
    assert len(mail.outbox) == before + 1 and case.reference in mail.outbox[-1].subject


def test_a_reply_given_by_phone_is_shown_on_the_status_page_without_an_email(
    visitor, people, filed, login
):
    case, code = filed
    before = len(mail.outbox)
    page = login(people.agent)
    response = page.post(
        f"/cases/{case.pk}/reply/", {"body": "As agreed on the phone.", "channel": "phone"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == before  # the box was unticked
    note = CaseNote.objects.get(case=case, kind="outbound")
    assert note.channel == "phone"
    shown = visitor.post("/complain/status/", {"reference": case.reference, "code": code})
    assert "As agreed on the phone." in shown.content.decode()
    detail = page.get(f"/cases/{case.pk}/").content.decode()
    assert "seen by the customer" in detail and 'id="reply-form"' in detail
    empty = page.post(f"/cases/{case.pk}/reply/", {"body": ""})
    assert empty.status_code == 422


def test_a_complaint_can_still_be_followed_after_the_form_moves_or_closes(
    visitor, people, filed, settings
):
    from caseledger.accounts.services import department_update

    case, code = filed  # filed while the form took sales' complaints
    settings.INTAKE_FORM_DEPARTMENT = ""
    department_update(actor=people.admin, department=people.service, data={"public_form": True})
    moved = visitor.post("/complain/status/", {"reference": case.reference, "code": code})
    assert moved.status_code == 200 and 'id="case-status"' in moved.content.decode()
    department_update(actor=people.admin, department=people.service, data={"public_form": False})
    closed = visitor.post("/complain/status/", {"reference": case.reference, "code": code})
    assert closed.status_code == 200 and 'id="case-status"' in closed.content.decode()
