"""An attacker who reads the database cannot sign in as whoever is logged in: the session
table holds a digest of each cookie's key, not the key (accounts/sessions.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from caseledger.accounts.sessions import stored_key

pytestmark = pytest.mark.django_db
HOME = "/cases/"


def _signed_in(people) -> tuple[Client, str]:
    client = Client()
    client.force_login(people.agent)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_table_holds_no_key_a_browser_could_present(people):
    client, cookie = _signed_in(people)

    keys = list(Session.objects.values_list("session_key", flat=True))

    assert cookie not in keys and stored_key(cookie) in keys
    assert client.get(HOME).status_code == 200  # the cookie still signs its owner in


def test_a_key_copied_from_the_table_signs_nobody_in(people):
    _signed_in(people)
    stolen = Session.objects.get().session_key
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = stolen

    response = attacker.get(HOME)

    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_signing_out_removes_the_row(people):
    client, cookie = _signed_in(people)

    client.post(reverse("web:logout"))

    assert not Session.objects.filter(session_key=stored_key(cookie)).exists()
