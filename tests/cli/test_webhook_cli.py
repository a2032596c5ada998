"""`caseledger webhook …` and `caseledger notify …`: journaled as the named administrator."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from caseledger.journal.models import Entry
from caseledger.notify.models import Preference, Subscription
from tests.cli.helpers import run

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_lists_edits_and_removes_a_webhook(people, settings):
    settings.WEBHOOK_CHECK_ON_SAVE = False
    added = run("webhook", "add", "crm", "https://crm.example.com/h", "--events",
                "case.created,case.closed", "--as", "adam", "--json").json()  # fmt: skip
    assert added["secret"].startswith("whsec_") and added["events"] == [
        "case.closed",
        "case.created",
    ]
    assert "crm" in run("webhook", "list").out
    run("webhook", "edit", str(added["id"]), "--active", "no", "--as", "adam")
    assert Subscription.objects.get().is_active is False
    assert "No deliveries." in run("webhook", "deliveries", str(added["id"])).out
    run("webhook", "remove", str(added["id"]), "--reason", "retired", "--as", "adam")
    actions = list(Entry.objects.filter(object_type="webhook").values_list("action", "actor_name"))
    assert actions == [("webhook.create", "adam"), ("webhook.update", "adam"),
                       ("webhook.remove", "adam")]  # fmt: skip


def test_bad_webhook_commands_say_what_is_wrong(people, settings):
    settings.WEBHOOK_CHECK_ON_SAVE = False
    with pytest.raises(CommandError, match="not an event"):
        run("webhook", "add", "x", "https://x.example", "--events", "case.gone", "--as", "adam")
    with pytest.raises(CommandError, match="http:// or https://"):
        run("webhook", "add", "x", "gopher://x", "--events", "case.closed", "--as", "adam")
    with pytest.raises(CommandError, match="webhook 42 does not exist"):
        run("webhook", "rotate", "42", "--as", "adam")
    with pytest.raises(CommandError):
        run("webhook", "add", "x", "https://x.example", "--events", "case.closed", "--as", "alice")
    assert not Subscription.objects.exists()


def test_a_person_sets_a_daily_digest_and_quiet_hours_from_the_cli(people):
    run("notify", "prefs", "alice", "--mode", "digest", "--digest-hour", "18", "--quiet", "21-7")
    pref = Preference.objects.get(user=people.agent)
    assert (pref.mode, pref.digest_hour, pref.quiet_start, pref.quiet_end) == ("digest", 18, 21, 7)
    with pytest.raises(CommandError, match="HH-HH"):
        run("notify", "prefs", "alice", "--quiet", "late")
    assert "entries not yet followed" in run("notify", "lag").out
    assert "mails sent" in run("notify", "run").out
