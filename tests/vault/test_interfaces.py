"""What a user sees through the API and the web pages: masks by default, a reveal only for
compliance with a reason, and the plaintext nowhere it should not be, logs included."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.customers.models import Identifier
from caseledger.journal.models import Entry
from tests.api.conftest import ApiClient

RESIDENT_ID = "11010519491231002X"
MASK = "1****************X"
WRITE = ["customers:read", "customers:write"]


@pytest.fixture
def browser():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# ---- API ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _direct_entry(settings):
    """These tests are about masking and reveal; maker-checker is tests/privacy's."""
    settings.REVIEWED_IDENTIFIER_KINDS = []


def test_api_adds_an_identifier_and_only_ever_answers_with_the_mask(people, customer):
    api = ApiClient(people.agent, WRITE)
    created = api.post(
        f"/customers/{customer.pk}/identifiers",
        {"kind": "resident_id", "value": RESIDENT_ID, "reason": "account opening"},
        key="id-1",
    )
    assert created.status_code == 201, created.content
    assert created.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "kind": "resident_id",
        "masked": MASK,
        "created_at": "",
        "warnings": [],
        "probable_duplicates": [],
    }
    replay = api.post(
        f"/customers/{customer.pk}/identifiers",
        {"kind": "resident_id", "value": RESIDENT_ID, "reason": "account opening"},
        key="id-1",
    )
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert Identifier.objects.count() == 1
    shown = api.get(f"/customers/{customer.pk}")
    listed = api.get("/customers")
    history = api.get(f"/customers/{customer.pk}/history")
    for response in (created, replay, shown, listed, history):
        assert RESIDENT_ID not in response.content.decode()
    assert shown.json()["identifiers"][0]["masked"] == MASK
    assert "identifiers" in listed.json()["items"][0]


def test_api_refuses_a_bad_value_naming_the_field_without_echoing_it(people, customer):
    api = ApiClient(people.agent, WRITE)
    refused = api.post(
        f"/customers/{customer.pk}/identifiers",
        {"kind": "resident_id", "value": "110105194912310021"},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "value"
    assert "110105194912310021" not in refused.content.decode()


def test_api_reveal_needs_the_scope_the_role_and_a_reason(people, customer):
    ApiClient(people.agent, WRITE).post(
        f"/customers/{customer.pk}/identifiers", {"kind": "resident_id", "value": RESIDENT_ID}
    )
    identifier = Identifier.objects.get()
    path = f"/identifiers/{identifier.pk}/reveal"
    agent = ApiClient(people.agent, [*WRITE, "customers:reveal"])
    assert agent.post(path, {"reason": "curious"}).status_code == 403
    no_scope = ApiClient(people.compliance, ["customers:read"])
    assert no_scope.post(path, {"reason": "audit"}).status_code == 403
    carl = ApiClient(people.compliance, ["customers:read", "customers:reveal"])
    missing = carl.post(path, {"reason": "  "})
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "reason")
    entries = Entry.objects.count()

    revealed = carl.post(path, {"reason": "privacy request PR-7"})

    assert revealed.status_code == 200
    assert revealed.json() == {
        "identifier": identifier.pk,
        "kind": "resident_id",
        "value": RESIDENT_ID,
    }
    assert revealed.headers["Cache-Control"] == "no-store"
    entry = Entry.objects.get(seq=entries + 1)
    assert (entry.action, entry.actor_name, entry.via, entry.reason) == (
        "customer.reveal",
        "carl",
        "api",
        "privacy request PR-7",
    )
    outsider = ApiClient(people.outsider, [*WRITE, "customers:reveal"])
    assert outsider.post(path, {"reason": "x"}).status_code == 404


# ---- web ----------------------------------------------------------------------------------


def test_web_detail_masks_phones_and_identifiers_and_offers_reveal_only_to_compliance(
    people, customer, browser
):
    agent = browser(people.agent)
    added = agent.post(
        reverse("web:identifier_add", args=[customer.pk]),
        {"kind": "resident_id", "value": RESIDENT_ID, "reason": ""},
        follow=True,
    )
    assert MASK in added.content.decode()
    phone = customer.contact_points.get(kind="phone").value  # +86138…
    for user in (people.agent, people.supervisor, people.auditor, people.compliance):
        html = (
            browser(user).get(reverse("web:customer_detail", args=[customer.pk])).content.decode()
        )
        assert MASK in html and RESIDENT_ID not in html
        assert phone[3:] not in html and f"{phone[3:6]}******{phone[-2:]}" in html
        assert ("Reveal…" in html) == (user == people.compliance)
    identifier = Identifier.objects.get()
    refused = agent.post(reverse("web:identifier_reveal", args=[identifier.pk]), {"reason": "x"})
    assert refused.status_code == 403


def test_web_reveal_asks_for_a_reason_then_shows_the_value_once(people, customer, browser):
    browser(people.agent).post(
        reverse("web:identifier_add", args=[customer.pk]),
        {"kind": "resident_id", "value": RESIDENT_ID},
    )
    identifier = Identifier.objects.get()
    carl = browser(people.compliance)
    url = reverse("web:identifier_reveal", args=[identifier.pk])
    form = carl.get(url)
    assert form.status_code == 200 and RESIDENT_ID not in form.content.decode()
    assert carl.post(url, {"reason": ""}).status_code == 422
    entries = Entry.objects.count()

    shown = carl.post(url, {"reason": "complaint CL-2026-000001 needs the ID"})

    assert f'id="revealed-value">{RESIDENT_ID}<' in shown.content.decode()
    assert "no-store" in shown.headers["Cache-Control"]
    assert Entry.objects.count() == entries + 1
    assert Entry.objects.get(seq=entries + 1).action == "customer.reveal"
    again = carl.get(url)
    assert RESIDENT_ID not in again.content.decode()


def test_web_refused_value_is_not_sent_back_into_the_form(people, customer, browser):
    response = browser(people.agent).post(
        reverse("web:identifier_add", args=[customer.pk]),
        {"kind": "resident_id", "value": "110105194912310021"},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "check character" in html
    assert "110105194912310021" not in html


# ---- logs ---------------------------------------------------------------------------------


def test_the_plaintext_never_reaches_the_logs(people, customer, browser, caplog):
    caplog.set_level(logging.DEBUG)
    api = ApiClient(people.agent, WRITE)
    api.post(f"/customers/{customer.pk}/identifiers", {"kind": "resident_id", "value": RESIDENT_ID})
    api.post(
        f"/customers/{customer.pk}/identifiers",
        {"kind": "resident_id", "value": "110105194912310021"},
    )
    identifier = Identifier.objects.get()
    ApiClient(people.compliance, ["customers:read", "customers:reveal"]).post(
        f"/identifiers/{identifier.pk}/reveal", {"reason": "audit"}
    )
    browser(people.compliance).post(
        reverse("web:identifier_reveal", args=[identifier.pk]), {"reason": "audit"}
    )
    logged = "\n".join(
        f"{r.getMessage()} {r.args} {getattr(r, '__dict__', {})}" for r in caplog.records
    )
    assert caplog.records  # the requests were logged at all (422, 403 warnings …)
    assert RESIDENT_ID not in logged and "110105194912310021" not in logged
