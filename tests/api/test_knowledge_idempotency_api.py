"""POST /api/v1/cases/{id}/articles with an Idempotency-Key, like every other create: a retry
returns the first answer and drafts nothing more; the key with another body is a 409; a
refused draft uses up no key."""

from __future__ import annotations

from caseledger.journal.models import Entry
from caseledger.knowledge.models import Article
from tests.api.conftest import api_as  # noqa: F401  (fixture)
from tests.knowledge.conftest import TEXT, resolved  # noqa: F401  (fixture)


def test_a_draft_replayed_with_its_key_returns_the_first_article(people, resolved, api_as):  # noqa: F811
    client = api_as(people.agent, ["cases:write"])
    url = f"/cases/{resolved.reference}/articles"
    first = client.post(url, TEXT, key="kb-1")
    assert first.status_code == 201, first.content
    replay = client.post(url, TEXT, key="kb-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Article.objects.count() == 1
    assert Entry.objects.filter(object_type="article").count() == 1
    changed = client.post(url, {**TEXT, "title_en": "Another"}, key="kb-1")
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert client.post(url, TEXT, key="kb-2").json()["id"] != first.json()["id"]


def test_a_refused_draft_keeps_the_key_free_for_the_corrected_retry(people, resolved, api_as):  # noqa: F811
    client = api_as(people.agent, ["cases:write"])
    url = f"/cases/{resolved.reference}/articles"
    bad = client.post(url, {"title_zh": "只有标题"}, key="kb-3")
    assert bad.status_code == 422 and bad.json()["error"]["errors"]
    fixed = client.post(url, TEXT, key="kb-3")
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed


def test_a_draft_needs_the_write_scope_and_a_case_of_ones_department(people, resolved, api_as):  # noqa: F811
    url = f"/cases/{resolved.reference}/articles"
    read_only = api_as(people.agent, ["cases:read"]).post(url, TEXT, key="kb-4")
    assert read_only.status_code == 403 and read_only.json()["error"]["field"] == "scope"
    outsider = api_as(people.outsider, ["cases:write"]).post(url, TEXT, key="kb-4")
    assert outsider.status_code == 404
    extra = api_as(people.agent, ["cases:write"]).post(url, {**TEXT, "colour": "red"}, key="k")
    assert extra.status_code == 422 and "colour" in str(extra.json()["error"])
    assert not Article.objects.exists()
