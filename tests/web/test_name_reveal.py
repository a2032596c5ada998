"""A person's name is masked everywhere; compliance reveals it with a typed reason, on the
web or over the API, and the reveal is journaled like every other (never the name)."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from caseledger.journal.models import Entry
from tests.api.conftest import ApiClient
from tests.factories import make_case, make_customer

NAME = "王小明"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_compliance_reveals_a_name_with_a_reason_and_it_is_journaled(people):
    person = make_customer(people.agent, people.sales, name=NAME)
    case = make_case(people.agent, person)
    url = reverse("web:customer_name_reveal", args=[person.pk])
    for user in (people.agent, people.supervisor, people.compliance):
        browser = _browser(user)
        customer_page = browser.get(reverse("web:customer_detail", args=[person.pk]))
        case_page = browser.get(reverse("web:case_detail", args=[case.pk]))
        for html in (customer_page.content.decode(), case_page.content.decode()):
            assert "**明" in html and NAME not in html
            assert (f'href="{url}"' in html) == (user == people.compliance)
    assert _browser(people.agent).post(url, {"reason": "curious"}).status_code == 403
    carl = _browser(people.compliance)
    form = carl.get(url)
    assert form.status_code == 200 and NAME not in form.content.decode()
    assert carl.post(url, {"reason": "  "}).status_code == 422
    entries = Entry.objects.count()

    shown = carl.post(url, {"reason": "privacy request PR-3 needs the full name"})

    assert f'id="revealed-value">{NAME}<' in shown.content.decode()
    assert "no-store" in shown.headers["Cache-Control"]
    assert Entry.objects.count() == entries + 1
    entry = Entry.objects.get(seq=entries + 1)
    assert (entry.action, entry.actor_name, entry.object_id, entry.reason) == (
        "customer.reveal",
        "carl",
        str(person.pk),
        "privacy request PR-3 needs the full name",
    )
    assert json.loads(entry.payload.body)["extra"] == {"field": "customer.name", "masked": "**明"}
    assert NAME not in carl.get(url).content.decode()  # shown that once


def test_api_reveals_a_name_only_with_the_scope_the_role_and_a_reason(people):
    person = make_customer(people.agent, people.sales, name=NAME)
    path = f"/customers/{person.pk}/reveal-name"
    agent = ApiClient(people.agent, ["customers:read", "customers:reveal"])
    assert agent.post(path, {"reason": "curious"}).status_code == 403
    no_scope = ApiClient(people.compliance, ["customers:read"])
    assert no_scope.post(path, {"reason": "audit"}).status_code == 403
    carl = ApiClient(people.compliance, ["customers:read", "customers:reveal"])
    missing = carl.post(path, {"reason": ""})
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "reason")

    revealed = carl.post(path, {"reason": "privacy request PR-3"})

    assert revealed.json() == {"customer": person.pk, "name": NAME}
    assert revealed.headers["Cache-Control"] == "no-store"
    entry = Entry.objects.order_by("-seq").first()
    assert (entry.action, entry.via, entry.reason) == (
        "customer.reveal",
        "api",
        "privacy request PR-3",
    )
    outsider = ApiClient(people.outsider, ["customers:read", "customers:reveal"])
    assert outsider.post(path, {"reason": "x"}).status_code == 404
