"""The search page, the navigation box, the API's /search and the case list's q."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import ApiClient
from tests.factories import make_case, make_customer


@pytest.fixture
def cases(people, customer):
    older = make_case(people.agent, customer, subject="网银退款未到账", channel="email")
    newer = make_case(people.agent, customer, subject="Refund twice 退款两次", channel="phone")
    theirs = make_case(
        people.outsider,
        make_customer(people.outsider, people.service),
        subject="退款 of another department",
    )
    return older, newer, theirs


def test_the_search_page_lists_highlighted_hits_with_facets_newest_first(login, people, cases):
    older, newer, theirs = cases
    response = login(people.agent).get(reverse("web:search"), {"q": "退款"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(newer.reference) < page.index(older.reference)
    assert theirs.reference not in page
    assert "<mark>退款</mark>" in page and 'id="facets"' in page
    assert 'id="nav-search"' in page
    year = timezone.localtime(newer.received_at).year
    assert f"received_from={year}-01-01&amp;received_to={year}-12-31" in page  # year facet
    # a facet narrows the hits
    narrowed = login(people.agent).get(reverse("web:search"), {"q": "退款", "channel": "email"})
    assert older.reference in narrowed.content.decode()
    assert newer.reference not in narrowed.content.decode()


def test_the_search_page_in_chinese_and_a_bad_search_named(login, people, cases):
    client = login(people.agent)
    page = client.get(reverse("web:search"), {"q": "退款"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "最新在前" in page.content.decode()
    bad = client.get(reverse("web:search"), {"q": "。。"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 422 and "请输入" in bad.content.decode()
    bad_cursor = client.get(reverse("web:search"), {"q": "退款", "cursor": "x"})
    assert bad_cursor.status_code == 422 and 'id="search-error"' in bad_cursor.content.decode()


def test_the_ranked_search_page_says_it_ranks_only_the_newest_matches(login, people, cases):
    client = login(people.agent)
    ranked = client.get(reverse("web:search"), {"q": "退款", "order": "ranked"})
    assert "Best match ranks the newest 2000 matches." in ranked.content.decode()
    newest = client.get(reverse("web:search"), {"q": "退款"})
    assert 'id="rank-window"' not in newest.content.decode()
    zh = client.get(
        reverse("web:search"), {"q": "退款", "order": "ranked"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "只在最新的 2000 条匹配中排序" in zh.content.decode()


def test_the_api_searches_with_the_same_language_and_pages_by_cursor(people, cases):
    older, newer, _theirs = cases
    api = ApiClient(people.agent, scopes=["cases:read"])
    first = api.get("/search", {"q": "退款", "limit": 1}).json()
    assert [h["case"]["reference"] for h in first["items"]] == [newer.reference]
    assert any(p["marked"] and p["text"] == "退款" for p in first["items"][0]["snippet"])
    second = api.get("/search", {"q": "退款", "limit": 1, "cursor": first["next_cursor"]}).json()
    assert [h["case"]["reference"] for h in second["items"]] == [older.reference]
    assert second["next_cursor"] is None
    assert api.get("/search", {"q": "twice 两次"}).json()["items"][0]["case"]["id"] == newer.pk
    refused = api.get("/search", {"q": " "})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "q"
    no_scope = ApiClient(people.agent, scopes=["customers:read"]).get("/search", {"q": "退款"})
    assert no_scope.status_code == 403


def test_the_case_list_s_q_is_answered_by_the_index_on_the_web_and_the_api(login, people, cases):
    older, newer, _theirs = cases
    web = login(people.agent).get(reverse("web:case_list"), {"q": "到账"}).content.decode()
    assert older.reference in web and newer.reference not in web
    api = ApiClient(people.agent, scopes=["cases:read"])
    # words of the description are found too, not just the subject
    assert [c["reference"] for c in api.get("/cases", {"q": "两次"}).json()["items"]] == [
        newer.reference
    ]
    assert [c["reference"] for c in api.get("/cases", {"q": "march bill"}).json()["items"]] == [
        newer.reference,
        older.reference,
    ]
