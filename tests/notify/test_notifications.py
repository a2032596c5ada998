"""The inbox and its e-mail: notifications derived from the journal (assigned to me,
mentioned in a note, clock due soon, breached, escalated to me), replayed idempotently,
mailed in the reader's language by their preference (immediate, digest, quiet hours)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from caseledger.accounts.services import user_update
from caseledger.cases.services import case_note_add, case_update
from caseledger.core import clock
from caseledger.core.errors import ValidationFailed
from caseledger.journal.models import Entry
from caseledger.notify import follow
from caseledger.notify.mail import send_due
from caseledger.notify.models import FollowState, Notification
from caseledger.notify.services import notifications_read, preference_set
from caseledger.workflow.clocks.services import case_wait, clock_sweep
from tests.factories import make_case, make_customer

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SH)


@pytest.fixture
def inbox(people):
    """The follower started (from the journal's head), everybody with an e-mail address."""
    for who in (people.agent, people.supervisor, people.compliance, people.outsider):
        user_update(actor=people.admin, user=who, data={"email": f"{who.username}@example.com"})
    follow.catch_up()
    return people


def kinds(user) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(recipient=user).order_by("seq").values_list("kind", "by")
    )


def test_the_first_run_starts_at_the_head_and_tells_nobody_of_the_past(people, case):
    case_update(actor=people.supervisor, case=case, data={"assignee": people.agent.pk})
    follow.catch_up()
    assert not Notification.objects.exists()
    assert FollowState.objects.get().seq == Entry.objects.order_by("-seq").first().seq


def test_assigning_a_case_to_someone_tells_them_once_even_when_replayed(inbox, case):
    people = inbox
    case_update(actor=people.supervisor, case=case, data={"assignee": people.agent.pk})
    follow.catch_up()
    FollowState.objects.filter(pk=1).update(seq=0)  # a replay of the whole journal
    follow.catch_up()

    assert kinds(people.agent) == [("assigned", "sam")]
    (line,) = [n for n in Notification.objects.filter(recipient=people.agent)]
    assert line.reference == case.reference and line.case_id == case.pk


def test_taking_a_case_yourself_tells_nobody(inbox, people, customer):
    make_case(people.agent, customer, assignee=people.agent.pk)
    follow.catch_up()
    assert not Notification.objects.exists()


def test_a_mention_in_a_note_tells_who_may_see_the_case_and_nobody_else(inbox, case):
    people = inbox
    case_note_add(
        actor=people.agent, case=case, body="@sam please look; @oscar too. And @nobody, @alice."
    )
    follow.catch_up()

    assert kinds(people.supervisor) == [("mention", "alice")]
    assert kinds(people.outsider) == []  # another department: may not see the case
    assert kinds(people.agent) == []  # mentioning yourself


def test_a_notification_carries_no_case_content(inbox, case):
    people = inbox
    with clock.frozen(at(5, 11)):
        case_note_add(actor=people.agent, case=case, body="@sam 客户身份证 11010519491231002X")
        follow.catch_up()
        send_due()

    (sent,) = mail.outbox
    text = sent.subject + sent.body
    assert case.reference in text and "11010519491231002X" not in text
    assert case.subject not in text and "扣费" not in text


@pytest.fixture
def complaint(inbox):
    people = inbox
    with clock.frozen(at(2, 10)):
        customer = make_customer(people.agent, people.sales)
        case = make_case(people.agent, customer, assignee=people.agent.pk)
    return case


def test_the_sweep_tells_due_soon_breach_and_escalation_to_their_people(complaint, people):
    for moment in (at(3, 9, 30), at(3, 11), at(3, 15), at(4, 12)):
        with clock.frozen(moment):
            clock_sweep(actor=None)
            follow.catch_up()

    mine = {(n.kind, n.clock) for n in Notification.objects.filter(recipient=people.agent)}
    assert ("due_soon", "first_response") in mine and ("breach", "first_response") in mine
    assert ("escalated", "first_response") in {
        (n.kind, n.clock) for n in Notification.objects.filter(recipient=people.supervisor)
    }
    assert Notification.objects.filter(recipient=people.compliance, kind="escalated").exists()


def test_mail_goes_out_in_the_readers_language(complaint, people):
    preference_set(
        actor=people.agent, data={"language": "zh-hans", "quiet_start": None, "quiet_end": None}
    )
    with clock.frozen(at(3, 9, 30)):
        clock_sweep(actor=None)
        follow.catch_up()
        send_due()

    (sent,) = mail.outbox
    assert sent.to == ["alice@example.com"]
    assert "即将到期" in sent.subject and complaint.reference in sent.subject
    with clock.frozen(at(3, 9, 31)):
        send_due()
    assert len(mail.outbox) == 1  # mailed once


def test_nobody_gets_mail_in_their_quiet_hours_it_waits_for_the_morning(inbox, case):
    people = inbox
    preference_set(actor=people.supervisor, data={"quiet_start": 22, "quiet_end": 8})
    with clock.frozen(at(5, 3)):
        case_update(actor=people.agent, case=case, data={"assignee": people.supervisor.pk})
        follow.catch_up()
        send_due()
    assert not mail.outbox
    with clock.frozen(at(5, 8, 1)):
        send_due()
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]


def test_a_clock_that_paused_overnight_is_not_mailed_in_the_morning(complaint, people):
    preference_set(actor=people.agent, data={"quiet_start": 18, "quiet_end": 9})
    with clock.frozen(at(3, 9, 30)):  # due soon
        clock_sweep(actor=None)
        follow.catch_up()
    preference_set(actor=people.agent, data={"quiet_start": 9, "quiet_end": 10})
    with clock.frozen(at(3, 9, 40)):  # quiet now: held; then waiting for the customer
        send_due()
        case_wait(actor=people.agent, case=complaint, reason="asked for the bill")
    with clock.frozen(at(3, 10, 5)):
        send_due()

    assert not mail.outbox
    notice = Notification.objects.get(recipient=people.agent, kind="due_soon")
    assert notice.mail_skipped == "clock paused" and notice.read_at is None  # still in the inbox


def test_a_daily_digest_collects_the_day_into_one_mail_at_the_chosen_hour(inbox, people, customer):
    preference_set(actor=people.agent, data={"mode": "digest", "digest_hour": 17})
    with clock.frozen(at(5, 10)):
        for _n in range(3):
            make_case(people.supervisor, customer, assignee=people.agent.pk)
        follow.catch_up()
        send_due()
    assert not mail.outbox
    with clock.frozen(at(5, 17, 2)):
        send_due()
        send_due()
    (digest,) = mail.outbox
    assert "3 notifications" in digest.subject and digest.body.count("assigned") == 3


def test_marking_read_is_journaled_and_touches_only_your_own(inbox, case):
    people = inbox
    case_update(actor=people.agent, case=case, data={"assignee": people.supervisor.pk})
    case_note_add(actor=people.supervisor, case=case, body="@alice over to you")
    follow.catch_up()
    theirs = Notification.objects.get(recipient=people.agent)

    assert notifications_read(actor=people.supervisor, ids=[theirs.pk]) == 0
    assert notifications_read(actor=people.agent) == 1
    entry = Entry.objects.order_by("-seq").first()
    assert entry.action == "notify.read" and entry.actor_name == "alice"
    with pytest.raises(ValidationFailed):
        notifications_read(actor=people.agent, ids=["x"])


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "hourly"},
        {"digest_hour": 24},
        {"digest_hour": "nine"},
        {"quiet_start": 22, "quiet_end": None},
        {"timezone": "Mars/Olympus"},
        {"language": "fr"},
        {"colour": "blue"},
    ],
)
def test_bad_preferences_are_refused_with_the_field_named(people, data):
    with pytest.raises(ValidationFailed) as refused:
        preference_set(actor=people.agent, data=data)
    assert refused.value.field in set(data) | {"quiet_start"}


def test_healthz_shows_how_far_notifications_lag_and_fails_when_the_follower_stopped(
    inbox, case, client
):
    people = inbox
    assert client.get("/healthz").json()["checks"]["notify"]["ok"] is True
    case_update(actor=people.agent, case=case, data={"priority": "high"})
    with clock.frozen(clock.now() + dt.timedelta(hours=1)):
        check = client.get("/healthz").json()["checks"]["notify"]
    assert check["ok"] is False and check["entries"] >= 1 and check["seconds"] >= 3600
