"""The inbox (badge, page, mark read, e-mail settings) and the administrators' webhook
pages, in English and zh-Hans; bad input is a message, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseledger.cases.services import case_update
from caseledger.journal.models import Entry
from caseledger.notify import follow
from caseledger.notify.models import Delivery, Notification, Preference, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(people, case):
    follow.catch_up()
    case_update(actor=people.agent, case=case, data={"assignee": people.supervisor.pk})
    follow.catch_up()
    return case


def test_the_badge_counts_unread_and_the_inbox_marks_them_read(login, people, assigned):
    client = login(people.supervisor)
    home = client.get(reverse("web:inbox")).content.decode()
    assert 'id="inbox-badge"' in home and '<span class="badge">1</span>' in home
    assert f"alice assigned {assigned.reference} to you" in home

    client.post(reverse("web:inbox"), {"id": Notification.objects.get().pk})

    page = client.get(reverse("web:inbox")).content.decode()
    assert '<span class="badge">' not in page.split("</nav>")[0]
    assert Entry.objects.filter(action="notify.read").count() == 1


def test_the_inbox_reads_in_chinese(login, people, assigned):
    client = login(people.supervisor)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    page = client.get(reverse("web:inbox")).content.decode()
    assert "收件箱" in page and f"alice 将 {assigned.reference} 分派给了您" in page


def test_settings_are_saved_and_bad_ones_are_told_not_crashed(login, people):
    client = login(people.agent)
    url = reverse("web:inbox_settings")
    assert client.get(url).status_code == 200

    saved = client.post(
        url,
        {"language": "zh-hans", "mode": "digest", "digest_hour": "18", "quiet_start": "",
         "quiet_end": "", "timezone": "Europe/Berlin"},
        follow=True,
    )  # fmt: skip
    pref = Preference.objects.get(user=people.agent)
    assert saved.status_code == 200 and (pref.mode, pref.digest_hour) == ("digest", 18)
    assert pref.quiet_start is None and pref.timezone == "Europe/Berlin"

    for bad in ({"digest_hour": "25"}, {"mode": "x"}, {"timezone": "Nowhere/City"},
                {"quiet_start": "22", "quiet_end": ""}, {"digest_hour": "<b>"}):  # fmt: skip
        response = client.post(url, bad)
        assert response.status_code == 200, bad
        assert (
            'class="message error' in response.content.decode()
            or "error" in response.content.decode()
        )


def test_an_administrator_adds_a_webhook_sees_its_secret_once_and_its_deliveries(
    login, people, settings
):
    settings.WEBHOOK_CHECK_ON_SAVE = False
    client = login(people.admin)
    assert 'id="admin-webhooks"' in client.get(reverse("web:administration")).content.decode()

    page = client.post(
        reverse("web:webhooks"),
        {
            "name": "crm",
            "url": "https://crm.example.com/hook",
            "events": ["case.created", "case.closed"],
        },
    ).content.decode()
    sub = Subscription.objects.get()
    assert 'id="webhook-secret"' in page and "whsec_" in page
    detail = client.get(reverse("web:webhook_detail", args=[sub.pk])).content.decode()
    assert "whsec_" not in detail and "No deliveries yet." in detail

    client.post(reverse("web:webhook_detail", args=[sub.pk]),
                {"verb": "update", "name": "crm", "url": "https://crm.example.com/v2",
                 "events": ["case.closed"], "is_active": "on"})  # fmt: skip
    sub.refresh_from_db()
    assert sub.url.endswith("/v2") and sub.events == ["case.closed"]
    client.post(reverse("web:webhook_detail", args=[sub.pk]), {"verb": "remove", "reason": "x"})
    sub.refresh_from_db()
    assert sub.removed_at is not None


def test_bad_webhook_input_is_a_message_not_a_500(login, people, settings):
    settings.WEBHOOK_CHECK_ON_SAVE = False
    client = login(people.admin)
    for bad in ({"name": "x", "url": "javascript:alert(1)", "events": ["case.created"]},
                {"name": "x", "url": "https://e.com", "events": ["nope"]},
                {"name": "", "url": "", "department": "no-such"}):  # fmt: skip
        response = client.post(reverse("web:webhooks"), bad)
        assert response.status_code == 200 and '<li class="error">' in response.content.decode()
    assert not Subscription.objects.exists()
    assert client.get(reverse("web:webhook_detail", args=[999])).status_code == 404
    sub_page = client.post(reverse("web:webhook_detail", args=[999]), {"verb": "rotate"})
    assert sub_page.status_code == 404
    assert not Delivery.objects.exists()


def test_only_administrators_see_the_webhook_pages(login, people):
    for who in (people.agent, people.supervisor, people.compliance, people.auditor):
        assert login(who).get(reverse("web:webhooks")).status_code == 403
