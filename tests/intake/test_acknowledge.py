"""Acknowledging a complaint (issue 12): the step's zh/en message goes to the customer
through the one reply door (e-mail and status page, recorded on the case with its delivery),
the case moves to acknowledged, and the acknowledgement clock says whether it went out in
time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from caseledger.cases import taxonomy
from caseledger.cases.models import CaseNote, NoteKind
from caseledger.cases.services import step_rule_set
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.intake.models import MailMessage, Outcome
from caseledger.intake.reply.acknowledge import case_acknowledge
from caseledger.journal.models import Entry
from caseledger.workflow.clocks.queries import clocks_of
from caseledger.workflow.industries.services import template_adopt
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    taxonomy.invalidate()
    yield
    taxonomy.invalidate()


def test_acknowledging_sends_the_chinese_template_and_records_it(people, case):
    done = case_acknowledge(actor=people.agent, case=case)

    assert done.case.status == "acknowledged" and done.language == "zh-hans"
    (sent,) = mail.outbox
    assert case.reference in sent.body and "已收到" in sent.body
    note = CaseNote.objects.get(case=case)
    assert note.kind == NoteKind.OUTBOUND and case.reference in note.body
    assert MailMessage.objects.get(note=note).outcome == Outcome.SENT
    actions = set(Entry.objects.values_list("action", flat=True))
    assert {"case.note", "mail.send", "case.transition"} <= actions


def test_the_english_message_is_the_administrators_template(people, case):
    step_rule_set(
        actor=people.admin,
        status="acknowledged",
        data={"message_en": "Hello, {reference} ({subject}) is with us."},
    )
    case_acknowledge(actor=people.agent, case=case, language="en")

    assert mail.outbox[0].body.startswith(f"Hello, {case.reference} (扣费两次 Charged twice)")


def test_acknowledging_twice_or_badly_is_refused_before_anything_is_sent(people, case):
    with pytest.raises(ValidationFailed, match="not one of"):
        case_acknowledge(actor=people.agent, case=case, language="fr")
    with pytest.raises(PermissionDenied):
        case_acknowledge(actor=people.outsider, case=case)
    case_acknowledge(actor=people.agent, case=case)
    with pytest.raises(Conflict, match="acknowledged already"):
        case_acknowledge(actor=people.agent, case=case)
    assert len(mail.outbox) == 1


def test_the_acknowledgement_clock_is_met_in_time_and_breached_when_late(people, customer):
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    on_time = make_case(people.agent, customer)
    case_acknowledge(actor=people.agent, case=on_time)
    late = make_case(people.agent, customer)

    clocks = {c.kind: c for c in clocks_of(on_time.pk)}
    assert clocks["acknowledgement"].state == "met"
    later = clock.now() + dt.timedelta(days=10)
    assert {c.kind: c for c in clocks_of(late.pk, later)}["acknowledgement"].state == "breached"


def test_without_a_configured_time_there_is_no_acknowledgement_clock(people, case):
    assert "acknowledgement" not in {c.kind for c in clocks_of(case.pk)}
