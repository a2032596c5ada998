"""A reviewer sends a draft back to its writer with a comment (the writer reads it on the
article page until the next edit), and a retired article is restored to a draft that
needs a second person's review again; both journaled, in the web and over the API."""

from __future__ import annotations

import pytest
from django.test import Client

from caseledger.accounts.services import token_create
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.knowledge.models import ArticleStatus
from caseledger.knowledge.services import (
    article_edit,
    article_publish,
    article_restore,
    article_retire,
    article_return,
)
from tests.knowledge.conftest import TEXT
from tests.knowledge.test_knowledge_pages import zh

COMMENT = "请补充英文的原因说明"


def entry(article, action):
    return Entry.objects.get(object_type="article", object_id=str(article.pk), action=action)


def test_a_supervisor_sends_a_draft_back_and_the_writer_sees_the_comment(people, login, article):
    article = article_return(actor=people.supervisor, article=article, comment=COMMENT)
    assert article.sent_back and article.returned_by == people.supervisor
    assert entry(article, "article.return").reason == COMMENT
    page = zh(login(people.agent)).get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-returned"' in page and COMMENT in page and "退回" in page
    article = article_edit(
        actor=people.agent, article=article, data={**TEXT, "cause_en": "Manual review"}
    )
    assert not article.sent_back  # a new version: the comment was answered
    page = login(people.agent).get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-returned"' not in page


def test_sending_back_needs_a_comment_a_draft_and_another_person(people, article, published):
    with pytest.raises(ValidationFailed):
        article_return(actor=people.supervisor, article=article, comment="  ")
    with pytest.raises(Conflict):  # published: nothing awaits review
        article_return(actor=people.supervisor, article=published, comment=COMMENT)
    mine = article_edit(
        actor=people.supervisor, article=published, data={**TEXT, "cause_zh": "主管改的"}
    )
    with pytest.raises(PermissionDenied):
        article_return(actor=people.supervisor, article=mine, comment=COMMENT)
    with pytest.raises(PermissionDenied):
        article_return(actor=people.agent, article=mine, comment=COMMENT)


def test_a_retired_article_is_restored_to_a_draft_awaiting_review(people, published):
    retired = article_retire(actor=people.supervisor, article=published, reason="过时")
    with pytest.raises(ValidationFailed):
        article_restore(actor=people.supervisor, article=retired, reason="")
    restored = article_restore(actor=people.supervisor, article=retired, reason="又有人问")
    assert restored.status == ArticleStatus.DRAFT and restored.pending_review
    assert restored.retired_at is None and restored.published_version is None
    assert entry(restored, "article.restore").reason == "又有人问"
    with pytest.raises(Conflict):
        article_restore(actor=people.supervisor, article=restored, reason="again")
    assert article_publish(actor=people.supervisor, article=restored).status == "published"


def test_a_supervisor_sends_back_and_restores_in_the_web(people, login, article):
    boss = zh(login(people.supervisor))
    page = boss.get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-return"' in page and 'id="article-restore"' not in page
    blank = boss.post(f"/knowledge/{article.pk}/return/", {"comment": ""}, follow=True)
    assert blank.status_code == 200 and not Entry.objects.filter(action="article.return")
    boss.post(f"/knowledge/{article.pk}/return/", {"comment": COMMENT})
    article.refresh_from_db()
    assert article.returned_comment == COMMENT
    boss.post(f"/knowledge/{article.pk}/retire/", {"reason": "不再适用"})
    page = boss.get(f"/knowledge/{article.pk}/").content.decode()
    assert 'id="article-restore"' in page
    done = boss.post(f"/knowledge/{article.pk}/restore/", {"reason": "恢复"}, follow=True)
    assert done.status_code == 200
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    agent = login(people.agent)
    assert agent.post(f"/knowledge/{article.pk}/return/", {"comment": "x"}).status_code == 302
    assert Entry.objects.filter(action="article.return").count() == 1


@pytest.fixture
def api(people):
    def make(user, *scopes):
        _token, secret = token_create(
            actor=people.admin, user=user, name="t", scopes=list(scopes) or ["cases:write"]
        )
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


def test_send_back_and_restore_over_the_api(people, api, article):
    boss = api(people.supervisor, "cases:write", "cases:approve")
    url = f"/api/v1/articles/{article.pk}"
    refused = api(people.agent).post(
        f"{url}/return", {"comment": COMMENT}, content_type="application/json"
    )
    assert refused.status_code == 403
    empty = boss.post(f"{url}/return", {"comment": ""}, content_type="application/json")
    assert empty.status_code == 422, empty.content
    back = boss.post(f"{url}/return", {"comment": COMMENT}, content_type="application/json")
    assert back.status_code == 200, back.content
    assert back.json()["returned_comment"] == COMMENT
    assert api(people.agent).get(url).json()["returned_comment"] == COMMENT
    early = boss.post(f"{url}/restore", {"reason": "x"}, content_type="application/json")
    assert early.status_code == 409
    boss.post(f"{url}/retire", {"reason": "过时"}, content_type="application/json")
    restored = boss.post(f"{url}/restore", {"reason": "恢复"}, content_type="application/json")
    assert restored.status_code == 200, restored.content
    assert restored.json()["status"] == "draft"
    assert restored.json()["published_version"] is None
