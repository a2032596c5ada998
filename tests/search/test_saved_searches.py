"""Saved searches: a person names a search with its filters and order, reruns it from the
search page, deletes it; another person never sees or deletes it; the API does the same;
offboarding hands a leaver's saved searches to the successor. Every change journaled."""

from __future__ import annotations

import pytest

from caseledger.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.search.models import SavedSearch
from caseledger.search.services import saved_search_create, saved_search_delete
from caseledger.workflow.services import user_deactivate

QUERY = {"name": "退款 billing", "q": "退款", "order": "ranked", "filters": {"status": "closed"}}


def test_an_agent_saves_a_search_and_it_is_journaled(people):
    saved = saved_search_create(actor=people.agent, data=QUERY)
    assert (saved.owner, saved.q, saved.order, saved.filters) == (
        people.agent, "退款", "ranked", {"status": "closed"},
    )  # fmt: skip
    entry = Entry.objects.get(object_type="saved_search", object_id=str(saved.pk))
    assert entry.action == "saved_search.create"


def test_a_bad_saved_search_is_refused_with_the_field_named(people):
    for data, field in (
        ({**QUERY, "name": ""}, "name"),
        ({**QUERY, "q": "  "}, "q"),
        ({**QUERY, "q": "。，"}, "q"),
        ({**QUERY, "order": "oldest"}, "order"),
        ({**QUERY, "filters": {"colour": "red"}}, "filters"),
        ({**QUERY, "filters": "status=closed"}, "filters"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            saved_search_create(actor=people.agent, data=data)
        assert refused.value.field == field, data
    saved_search_create(actor=people.agent, data=QUERY)
    with pytest.raises(Conflict):
        saved_search_create(actor=people.agent, data=QUERY)
    with pytest.raises(PermissionDenied):
        saved_search_create(actor=people.admin, data=QUERY)
    assert SavedSearch.objects.count() == 1


def test_only_the_owner_deletes_a_saved_search(people):
    saved = saved_search_create(actor=people.agent, data=QUERY)
    with pytest.raises(NotFound):
        saved_search_delete(actor=people.supervisor, saved_id=saved.pk)
    with pytest.raises(NotFound):
        saved_search_delete(actor=people.agent, saved_id="x")
    saved_search_delete(actor=people.agent, saved_id=saved.pk)
    assert not SavedSearch.objects.exists()
    actions = Entry.objects.filter(object_type="saved_search").values_list("action", flat=True)
    assert sorted(actions) == ["saved_search.create", "saved_search.delete"]


def test_the_search_page_saves_lists_reruns_and_deletes_a_search(people, login, customer):
    from tests.factories import make_case

    make_case(people.agent, customer, description="客户要求退款")
    client = login(people.agent)
    response = client.post(
        "/search/saved/", {"name": "我的退款", "q": "退款", "order": "newest", "status": "received"}
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(owner=people.agent)
    assert saved.filters == {"status": "received"}
    page = client.get("/search/")
    assert "我的退款" in page.content.decode()
    nav = client.get("/cases/").content.decode()  # the navigation lists it on every page
    assert 'id="nav-saved"' in nav and "我的退款" in nav
    rerun = client.get("/search/?q=退款&order=newest&status=received")
    assert "客户要求" in rerun.content.decode()
    # a second save under the same name is a message, not an error page
    again = client.post("/search/saved/", {"name": "我的退款", "q": "退款"}, follow=True)
    assert again.status_code == 200
    other = login(people.supervisor).post(f"/search/saved/{saved.pk}/delete/", follow=True)
    assert other.status_code == 200 and SavedSearch.objects.filter(pk=saved.pk).exists()
    client.post(f"/search/saved/{saved.pk}/delete/")
    assert not SavedSearch.objects.exists()


def test_saved_searches_over_the_api(people):
    from django.test import Client

    from caseledger.accounts.services import token_create

    _token, secret = token_create(
        actor=people.admin, user=people.agent, name="t", scopes=["cases:read"]
    )
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    made = api.post("/api/v1/saved-searches", QUERY, content_type="application/json")
    assert made.status_code == 201, made.content
    assert (
        api.post("/api/v1/saved-searches", QUERY, content_type="application/json").status_code
        == 409
    )
    bad = api.post(
        "/api/v1/saved-searches", {**QUERY, "name": "x", "q": ""}, content_type="application/json"
    )
    assert bad.status_code == 422
    listed = api.get("/api/v1/saved-searches").json()
    assert [s["name"] for s in listed] == [QUERY["name"]]
    assert api.delete(f"/api/v1/saved-searches/{listed[0]['id']}").status_code == 204
    assert api.delete(f"/api/v1/saved-searches/{listed[0]['id']}").status_code == 404


def test_saving_a_search_replayed_with_its_key_returns_the_first_answer(people):
    """Like every create: the same Idempotency-Key and body answer the first result again
    (no 409 "name taken", nothing journaled twice); the key with another body is a 409."""
    from django.test import Client

    from caseledger.accounts.services import token_create
    from caseledger.journal.models import Entry

    _token, secret = token_create(
        actor=people.admin, user=people.agent, name="t", scopes=["cases:read"]
    )
    api = Client(headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "saved-1"})

    def post(body):
        return api.post("/api/v1/saved-searches", body, content_type="application/json")

    first = post(QUERY)
    assert first.status_code == 201, first.content
    replay = post(QUERY)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Entry.objects.filter(object_type="saved_search").count() == 1
    other = post({**QUERY, "name": "another"})
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_offboarding_hands_saved_searches_to_the_successor(people):
    from caseledger.accounts.services import user_create

    mine = saved_search_create(actor=people.agent, data=QUERY)
    other = saved_search_create(actor=people.agent, data={**QUERY, "name": "其他"})
    heir = user_create(
        actor=None, username="helen", password=people.password, roles=["agent"],
        department=people.sales,
    )  # fmt: skip
    saved_search_create(actor=heir, data=QUERY)  # the successor has this name already
    result = user_deactivate(actor=people.admin, user=people.agent, reason="left", successor=heir)
    assert result.counts()["saved_search"] == {"successor": 2, "queue": 0}
    names = set(SavedSearch.objects.filter(owner=heir).values_list("name", flat=True))
    assert names == {QUERY["name"], f"{QUERY['name']} (alice)", "其他"}
    entries = Entry.objects.filter(object_type="saved_search", action="saved_search.reassign")
    assert {e.object_id for e in entries} == {str(mine.pk), str(other.pk)}


def test_without_a_successor_saved_searches_stay_with_the_leaver(people):
    saved_search_create(actor=people.agent, data=QUERY)
    user_deactivate(actor=people.admin, user=people.agent, reason="left")
    assert SavedSearch.objects.get().owner == people.agent
