"""Review-report subscriptions: a person subscribes where they may read the reports, and
each signed-off (or scheduled) report is mailed to them in their language, PDF attached;
someone who lost access gets nothing; CAPA reminders speak the owner's language too."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.management import call_command

from caseledger.accounts.models import User
from caseledger.accounts.services import user_update
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied
from caseledger.insights import services
from caseledger.insights.models import ReviewSubscription
from caseledger.insights.subscriptions import review_subscribe, review_unsubscribe
from caseledger.insights.tasks import review_reports
from caseledger.journal.models import Entry
from caseledger.notify.services import preference_set
from tests.insights.test_review_reports import NOW, november  # noqa: F401  (fixture)
from tests.web.conftest import login  # noqa: F401  (fixture)


def _state(entry: Entry) -> dict:
    return json.loads(entry.payload.body)["state"]


def _addresses(people) -> None:
    for user in people.all().values():
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.com")


def test_subscribing_and_unsubscribing_are_journaled_and_twice_is_once(people):
    sub = review_subscribe(actor=people.supervisor, department="sales")
    assert review_subscribe(actor=people.supervisor, department="sales") == sub
    assert Entry.objects.filter(action="review.subscribe").count() == 1
    entry = Entry.objects.get(action="review.subscribe")
    assert entry.object_type == "review_subscription" and entry.object_id == str(sub.pk)
    assert review_unsubscribe(actor=people.supervisor, department="sales") is True
    assert review_unsubscribe(actor=people.supervisor, department="sales") is False
    assert not ReviewSubscription.objects.exists()
    assert Entry.objects.filter(action="review.unsubscribe").count() == 1


def test_nobody_subscribes_to_reports_they_may_not_read(people):
    with pytest.raises(PermissionDenied):
        review_subscribe(actor=people.agent, department="sales")
    with pytest.raises(PermissionDenied):
        review_subscribe(actor=people.supervisor, department="service")
    with pytest.raises(PermissionDenied):
        review_subscribe(actor=people.supervisor)  # the organisation: every department
    assert review_subscribe(actor=people.auditor).department is None
    assert not Entry.objects.filter(action="review.subscribe", actor_id=people.agent.pk).exists()


@pytest.mark.clock(NOW)
def test_a_signed_report_is_mailed_to_each_subscriber_in_their_language(november):  # noqa: F811
    people = november
    _addresses(people)
    preference_set(actor=people.supervisor, data={"language": "zh-hans"})
    preference_set(actor=people.auditor, data={"language": "en"})
    for user in (people.supervisor, people.auditor, people.compliance):
        review_subscribe(actor=user, department="sales")
    review_subscribe(actor=people.auditor)  # the organisation's: not this report
    user_update(actor=None, user=people.compliance, data={"roles": ["records_manager"]})
    report = services.review_generate(actor=people.supervisor, period="2026-11", department="sales")
    assert mail.outbox == []  # generated on demand: mailed when signed
    services.review_sign(actor=people.supervisor, report=report, conclusion="结论 Conclusion")

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["audrey@example.com", "sam@example.com"]  # not carl
    zh, en = by_address["sam@example.com"], by_address["audrey@example.com"]
    assert "复盘报告" in zh.subject and "2026-11" in zh.subject and "已附" in zh.body
    assert "Review report" in en.subject and "is attached" in en.body
    for message in (zh, en):
        ((name, content, kind),) = message.attachments
        assert name == "review-2026-11-sales.pdf" and kind == "application/pdf"
        assert content.startswith(b"%PDF")
        assert f"/insights/reviews/{report.pk}/" in message.body
    entry = Entry.objects.get(action="review.mail")
    assert entry.object_type == "review_report" and entry.object_id == str(report.pk)
    assert _state(entry) == {"recipients": ["audrey", "sam"], "failed": []}
    assert "@" not in entry.payload.body


@pytest.mark.clock(NOW)
def test_a_mail_server_down_does_not_undo_the_sign_off(november, monkeypatch):  # noqa: F811
    people = november
    _addresses(people)
    review_subscribe(actor=people.supervisor, department="sales")
    report = services.review_generate(actor=people.supervisor, period="2026-11", department="sales")

    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    signed = services.review_sign(actor=people.supervisor, report=report, conclusion="结论")
    signed.refresh_from_db()
    assert signed.signed_at is not None
    mailing = Entry.objects.get(action="review.mail")
    assert _state(mailing) == {"recipients": [], "failed": ["sam"]}


@pytest.mark.clock(NOW)
def test_the_worker_mails_the_reports_it_generates(november):  # noqa: F811
    people = november
    _addresses(people)
    review_subscribe(actor=people.auditor)
    review_subscribe(actor=people.supervisor, department="sales")
    assert review_reports() == {"reports": 3, "mailed": 2}
    assert sorted(m.to[0] for m in mail.outbox) == ["audrey@example.com", "sam@example.com"]
    assert Entry.objects.filter(action="review.mail", actor_id__isnull=True).count() == 2


def test_the_command_subscribes_and_unsubscribes_a_person(people, capsys):
    call_command("report", "subscribe", "--as", "sam", "--department", "sales")
    assert ReviewSubscription.objects.get().user == people.supervisor
    assert Entry.objects.get(action="review.subscribe").via == "cli"
    call_command("report", "unsubscribe", "--as", "sam", "--department", "sales")
    assert not ReviewSubscription.objects.exists()


def test_the_reviews_page_subscribes_and_unsubscribes(people, login):  # noqa: F811
    client = login(people.supervisor)
    page = client.get("/insights/reviews/")
    assert b"review-subscribe-button" in page.content
    client.post("/insights/reviews/subscription/", {"op": "subscribe", "department": "sales"})
    assert ReviewSubscription.objects.filter(user=people.supervisor).count() == 1
    assert b"review-unsubscribe" in client.get("/insights/reviews/").content
    refused = client.post("/insights/reviews/subscription/", {"op": "subscribe"}, follow=True)
    assert refused.status_code == 200 and ReviewSubscription.objects.count() == 1
    client.post("/insights/reviews/subscription/", {"op": "unsubscribe", "department": "sales"})
    assert not ReviewSubscription.objects.exists()


def test_a_capa_reminder_speaks_the_owners_language_without_the_problem_in_the_subject(
    people, case
):
    _addresses(people)
    preference_set(actor=people.compliance, data={"language": "zh-hans"})
    capa = services.capa_open(
        actor=people.supervisor,
        data={
            "department": "sales",
            "problem": "重复扣费 Charged twice",
            "owner": people.compliance.username,
            "due_on": (clock.now().date() - dt.timedelta(days=1)).isoformat(),
        },
    )
    services.capa_remind(actor=None)
    (sent,) = mail.outbox
    assert sent.to == ["carl@example.com"]
    assert f"#{capa.pk}" in sent.subject and "逾期" in sent.subject
    assert "重复扣费" not in sent.subject and "Charged" not in sent.subject
    assert "重复扣费 Charged twice" in sent.body
