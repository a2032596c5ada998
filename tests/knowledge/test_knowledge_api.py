"""The knowledge base over the API: draft from a resolved case, edit, publish (a second
person with `cases:approve`), search, read with versions, retire; bad input is a 4xx."""

from __future__ import annotations

import pytest
from django.test import Client

from caseledger.accounts.services import token_create
from tests.knowledge.conftest import TEXT


@pytest.fixture
def api(people):
    def make(user, *scopes):
        _token, secret = token_create(
            actor=people.admin, user=user, name="t", scopes=list(scopes) or ["cases:write"]
        )
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


def test_an_article_is_drafted_published_found_and_retired_over_the_api(people, api, resolved):
    agent = api(people.agent)
    made = agent.post(
        f"/api/v1/cases/{resolved.reference}/articles", TEXT, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    article = made.json()
    assert article["status"] == "draft" and article["versions"][0]["edited_by"] == "alice"
    pk = article["id"]
    assert agent.post(f"/api/v1/articles/{pk}/publish").status_code == 403  # no approve scope
    boss = api(people.supervisor, "cases:write", "cases:approve")
    published = boss.post(f"/api/v1/articles/{pk}/publish")
    assert published.status_code == 200 and published.json()["published_version"] == 1
    found = agent.get("/api/v1/articles", {"q": "人工审核"}).json()
    assert [a["id"] for a in found] == [pk]
    edited = agent.put(
        f"/api/v1/articles/{pk}",
        {**TEXT, "cause_zh": "新原因", "reason": "更准确", "version": 1},
        content_type="application/json",
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = agent.put(
        f"/api/v1/articles/{pk}", {**TEXT, "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    reader = api(people.auditor, "cases:read").get(f"/api/v1/articles/{pk}").json()
    assert reader["text"]["number"] == 1 and reader["versions"] is None
    assert (
        boss.post(
            f"/api/v1/articles/{pk}/retire", {"reason": "过时"}, content_type="application/json"
        ).json()["status"]
        == "retired"
    )


def test_bad_article_requests_are_refused_with_4xx(people, api, case, resolved):
    agent = api(people.agent)
    url = f"/api/v1/cases/{case.pk}/articles"
    assert agent.post(url, TEXT, content_type="application/json").status_code == 422  # open
    url = f"/api/v1/cases/{resolved.pk}/articles"
    assert agent.post(url, {"title_zh": "x"}, content_type="application/json").status_code == 422
    assert agent.post(url, {"colour": "x"}, content_type="application/json").status_code == 422
    assert agent.get("/api/v1/articles/abc").status_code == 404
    assert agent.get("/api/v1/articles", {"q": "。"}).status_code == 422
    assert api(people.outsider).post(url, TEXT, content_type="application/json").status_code == 404
