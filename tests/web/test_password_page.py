"""Changing one's own password: the one-time password `up` prints is meant to be replaced."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from caseledger.journal.models import Entry
from caseledger.journal.queries import history


def test_a_user_replaces_their_password_and_the_journal_records_only_that(people, login):
    client = login(people.agent)
    response = client.post(
        reverse("web:password_change"),
        {
            "old_password": people.password,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("web:case_list")).status_code == 200  # still logged in
    assert Client().login(username="alice", password="a brand new passphrase")
    entry = history(f"user:{people.agent.pk}")[-1]
    assert entry.action == "user.password" and entry.via == "web"
    assert "brand new" not in str(entry)


def test_a_wrong_old_password_changes_nothing(people, login):
    before = Entry.objects.count()
    response = login(people.agent).post(
        reverse("web:password_change"),
        {
            "old_password": "not it at all",
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 422
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert Entry.objects.count() == before
    assert Client().login(username="alice", password=people.password)


def test_a_weak_new_password_is_refused_next_to_the_field(people, login):
    response = login(people.agent).post(
        reverse("web:password_change"),
        {
            "old_password": people.password,
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 422
    assert "This password is too short" in response.content.decode()
    assert Client().login(username="alice", password=people.password)
