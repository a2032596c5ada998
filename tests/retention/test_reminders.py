"""Reminders before a record's due date: the department's supervisors and every records
manager, in the app and in one email each (read back from the file backend); a rerun sends
nothing new."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from pathlib import Path

import pytest
from django.urls import reverse

from caseledger.accounts.services import user_create, user_update
from caseledger.core import clock
from caseledger.journal.models import Entry
from caseledger.retention import tasks
from caseledger.retention.models import Reminder
from caseledger.retention.services import (
    reminder_mark_read,
    reminders_send,
    retention_recompute,
    schedule_create,
)
from tests.factories import make_case, make_customer

TODAY = dt.date(2026, 11, 22)
NOON = dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def mailbox(settings, tmp_path) -> Path:
    """Django's file backend, as shipped (pytest-django would swap in locmem)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.RETENTION_REMIND_DAYS = 30
    return tmp_path / "mail"


def _mails(box: Path) -> list:
    if not box.exists():
        return []
    messages = []
    for path in sorted(box.glob("*.log")):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                messages.append(message_from_bytes(chunk.strip()))
    return messages


@pytest.fixture
def due_records(people):
    """A sales case due in 10 days, a service case due in 20, one due in 90 (not yet)."""
    for user, email in (
        (people.supervisor, "sam@example.com"),
        (people.records_manager, "rita@example.com"),
        (people.agent, "alice@example.com"),
    ):
        user_update(actor=people.admin, user=user, data={"email": email})
    schedule_create(
        actor=people.records_manager,
        data={
            "name": "Complaint files",
            "record_kind": "case",
            "period_days": 100,
            "triggers": ["created"],
            "action": "review",
            "legal_source": "internal policy",
        },
    )
    service_sup = user_create(
        actor=None,
        username="sue",
        password="correct horse battery",
        roles=["supervisor"],
        department=people.service,
        supervised=[people.service],
    )
    user_update(actor=people.admin, user=service_sup, data={"email": "sue@example.com"})
    sales_customer = make_customer(people.agent, people.sales)
    service_customer = make_customer(people.outsider, people.service)
    day = dt.timedelta(days=1)
    with clock.frozen(NOON):
        soon = make_case(people.agent, sales_customer, received_at=(NOON - 90 * day).isoformat())
        later = make_case(
            people.outsider, service_customer, received_at=(NOON - 80 * day).isoformat()
        )
        far = make_case(people.agent, sales_customer, received_at=(NOON - 10 * day).isoformat())
        retention_recompute(actor=None)
    return soon, later, far, service_sup


def test_supervisors_of_the_department_and_records_managers_are_reminded(
    people, due_records, mailbox
):
    soon, later, far, _sue = due_records
    with clock.frozen(NOON):
        result = reminders_send(actor=None)
    by_user: dict[str, set[str]] = {}
    for r in Reminder.objects.select_related("recipient"):
        by_user.setdefault(r.recipient.username, set()).add(r.label)
    assert by_user == {
        "sam": {soon.reference},
        "sue": {later.reference},
        "rita": {soon.reference, later.reference},
    }
    assert far.reference not in str(by_user)  # 90 days out: not yet
    assert result["created"] == 4 and result["emails"] == 3
    mails = _mails(mailbox)
    assert sorted(m["To"] for m in mails) == [
        "rita@example.com",
        "sam@example.com",
        "sue@example.com",
    ]
    rita = next(m for m in mails if m["To"] == "rita@example.com")
    body = rita.get_payload(decode=True).decode()
    assert soon.reference in body and later.reference in body  # one email, both records
    assert "2 records fall due" in rita["Subject"]
    assert soon.subject not in body  # references and dates only, no content
    assert Entry.objects.filter(action="retention.reminders").count() == 1


def test_a_rerun_sends_nothing_new(people, due_records, mailbox):
    with clock.frozen(NOON):
        reminders_send(actor=None)
        again = reminders_send(actor=None)
    assert again == {"created": 0, "emails": 0, "email_failures": 0}
    assert len(_mails(mailbox)) == 3
    assert Reminder.objects.count() == 4


def test_a_failed_send_is_retried_once_and_only_once(people, due_records, mailbox, settings):
    settings.EMAIL_FILE_PATH = str(mailbox.parent / "not-a-dir")
    (mailbox.parent / "not-a-dir").write_text("a file where the directory should be")
    with clock.frozen(NOON):
        failed = reminders_send(actor=None)
    assert failed["created"] == 4 and failed["emails"] == 0 and failed["email_failures"] == 3
    assert Reminder.objects.filter(emailed_at__isnull=True).count() == 4
    settings.EMAIL_FILE_PATH = str(mailbox)
    with clock.frozen(NOON):
        retried = reminders_send(actor=None)
        nothing = reminders_send(actor=None)
    assert retried["created"] == 0 and retried["emails"] == 3
    assert nothing["emails"] == 0 and len(_mails(mailbox)) == 3


def test_the_daily_job_runs_it(people, due_records, mailbox):
    with clock.frozen(NOON):
        result = tasks.reminders()
    assert result["emails"] == 3


def test_the_window_is_configurable(people, due_records, mailbox, settings):
    settings.RETENTION_REMIND_DAYS = 15
    with clock.frozen(NOON):
        reminders_send(actor=None)
    assert set(Reminder.objects.values_list("recipient__username", flat=True)) == {"sam", "rita"}


def test_badge_list_and_mark_read(people, due_records, mailbox, login):
    soon, later, _far, _sue = due_records
    with clock.frozen(NOON):
        reminders_send(actor=None)
    rita = login(people.records_manager)
    page = rita.get(reverse("web:case_list")).content.decode()
    assert 'id="reminder-badge"' in page and '<span class="badge">2</span>' in page
    listed = rita.get(reverse("web:reminders")).content.decode()
    assert soon.reference in listed and later.reference in listed
    first = Reminder.objects.get(recipient=people.records_manager, record_id=soon.pk)
    rita.post(reverse("web:reminders"), {"reminder": [first.pk]})
    assert '<span class="badge">1</span>' in rita.get(reverse("web:case_list")).content.decode()
    rita.post(reverse("web:reminders"), {"all": "1"})
    assert 'id="reminder-badge"' not in rita.get(reverse("web:case_list")).content.decode()
    assert Entry.objects.filter(action="retention.reminders_read").count() == 2
    # the agent has none, and cannot mark someone else's
    assert reminder_mark_read(actor=people.agent, reminder_ids=[first.pk]) == 0
    assert 'id="reminder-badge"' not in login(people.agent).get("/cases/").content.decode()
