"""The results' facets count clock states (due soon, breached, paused, met) from workflow's
clocks, read only; the search filters by one, on the web and the API alike."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.core import clock
from caseledger.core.errors import ValidationFailed
from caseledger.search.queries import search
from caseledger.workflow.clocks.queries import refresh
from tests.factories import make_case


@pytest.fixture
def late_and_fresh(people, customer):
    start = clock.now()
    with clock.frozen(start - dt.timedelta(days=60)):
        late = make_case(people.agent, customer, description="退款迟迟未到 late")
    fresh = make_case(people.agent, customer, description="退款刚刚申请 fresh")
    refresh(late.pk)
    refresh(fresh.pk)
    return late, fresh


def test_the_facets_count_breached_clocks(people, late_and_fresh):
    del late_and_fresh  # one breached, one running
    facets = search(actor=people.agent, q="退款", facets=True).facets
    counts = dict(facets["clock"])
    assert counts.get("breached") == 1
    assert set(counts) <= {"soon", "breached", "paused", "met"}


def test_a_search_filtered_by_clock_state_finds_only_those_cases(people, late_and_fresh):
    late, _fresh = late_and_fresh
    hits = search(actor=people.agent, q="退款", filters={"clock": "breached"}).hits
    assert [h.case for h in hits] == [late]
    with pytest.raises(ValidationFailed) as refused:
        search(actor=people.agent, q="退款", filters={"clock": "late"})
    assert refused.value.field == "clock"


def test_the_search_page_and_api_show_the_clock_facet(people, login, late_and_fresh):
    page = login(people.agent).get("/search/?q=退款")
    assert 'href="?q=%E9%80%80%E6%AC%BE&amp;clock=breached"' in page.content.decode() or (
        "clock=breached" in page.content.decode()
    )
    filtered = login(people.agent).get("/search/?q=退款&clock=breached")
    assert filtered.status_code == 200 and "late" in filtered.content.decode()
    bad = login(people.agent).get("/search/?q=退款&clock=nonsense")
    assert bad.status_code == 200  # a bad filter is shown on the form, not applied


def test_the_api_filters_by_clock_and_returns_the_facets_when_asked(people, late_and_fresh):
    from django.test import Client

    from caseledger.accounts.services import token_create

    late, _fresh = late_and_fresh
    _token, secret = token_create(
        actor=people.admin, user=people.agent, name="t", scopes=["cases:read"]
    )
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    body = api.get("/api/v1/search", {"q": "退款", "clock": "breached", "facets": "true"}).json()
    assert [item["case"]["reference"] for item in body["items"]] == [late.reference]
    assert {"value": "breached", "count": 1} in body["facets"]["clock"]
    assert api.get("/api/v1/search", {"q": "退款"}).json()["facets"] is None
    assert api.get("/api/v1/search", {"q": "退款", "clock": "late"}).status_code == 422
