"""An article's life: drafted from a resolved case by an agent, published by a second
person, edited into new versions (readers keep the published one until the next review),
retired; every step journaled."""

from __future__ import annotations

import pytest

from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.knowledge import queries
from caseledger.knowledge.models import Article, ArticleStatus, ArticleVersion
from caseledger.knowledge.services import (
    article_draft,
    article_edit,
    article_publish,
    article_retire,
)
from caseledger.retention.services import record_restrict
from tests.factories import make_case
from tests.knowledge.conftest import TEXT, resolve


def actions_of(article) -> list[str]:
    return list(
        Entry.objects.filter(object_type="article", object_id=str(article.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_an_agent_drafts_an_article_from_a_resolved_case_and_it_is_journaled(
    people, resolved, article
):
    assert article.status == ArticleStatus.DRAFT
    assert article.department_id == resolved.department_id
    assert article.category == resolved.category
    assert article.source_case_id == resolved.pk
    assert article.versions.get().title_zh == TEXT["title_zh"]
    entry = Entry.objects.get(object_type="article", object_id=str(article.pk))
    assert entry.action == "article.draft"


def test_an_open_case_cannot_become_an_article(people, case):
    before = Article.objects.count(), Entry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        article_draft(actor=people.agent, case=case, data=TEXT)
    assert refused.value.field == "case"
    assert (Article.objects.count(), Entry.objects.count()) == before


def test_a_restricted_case_cannot_become_an_article(people, resolved):
    record_restrict(actor=people.records_manager, reason="PIPL Art 47 test", case=resolved)
    with pytest.raises(PermissionDenied):
        article_draft(actor=people.agent, case=resolved, data=TEXT)
    with pytest.raises(PermissionDenied):
        article_draft(actor=people.compliance, case=resolved, data=TEXT)
    assert not Article.objects.exists()


def test_an_article_needs_a_title_and_an_answer_in_one_language(people, resolved):
    with pytest.raises(ValidationFailed):
        article_draft(actor=people.agent, case=resolved, data={"title_zh": "只有标题"})
    with pytest.raises(ValidationFailed) as refused:
        article_draft(actor=people.agent, case=resolved, data={**TEXT, "title_en": "x" * 201})
    assert refused.value.field == "title_en"
    with pytest.raises(ValidationFailed):
        article_draft(actor=people.agent, case=resolved, data={**TEXT, "colour": "red"})
    english = {"title_en": "Refund late", "answer_en": "Review it by hand."}
    assert article_draft(actor=people.agent, case=resolved, data=english).pk


def test_the_writer_cannot_publish_their_own_version(people, resolved):
    mine = article_draft(actor=people.supervisor, case=resolved, data=TEXT)
    with pytest.raises(PermissionDenied):
        article_publish(actor=people.supervisor, article=mine)
    done = article_publish(actor=people.compliance, article=mine)
    assert done.status == ArticleStatus.PUBLISHED


def test_an_agent_cannot_publish(people, article):
    with pytest.raises(PermissionDenied):
        article_publish(actor=people.agent, article=article)
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_a_supervisor_publishes_and_readers_see_the_published_version(people, published):
    assert published.status == ArticleStatus.PUBLISHED
    assert published.published_version == 1
    assert published.published_by == people.supervisor
    with pytest.raises(Conflict):
        article_publish(actor=people.supervisor, article=published)
    assert actions_of(published) == ["article.draft", "article.publish"]


def test_each_edit_is_a_new_version_awaiting_review(people, published):
    edited = article_edit(
        actor=people.agent,
        article=published,
        data={**TEXT, "answer_zh": "改为：提交人工审核后一个工作日内到账。"},
        reason="faster now",
        expected_version=1,
    )
    assert edited.version == 2 and edited.published_version == 1 and edited.pending_review
    assert ArticleVersion.objects.filter(article=edited).count() == 2
    # an auditor reads the published text; the agent (an editor) sees the newest
    assert queries.shown_version(people.auditor, edited).number == 1
    assert queries.shown_version(people.agent, edited).number == 2
    # saving the same text again makes no version
    same = article_edit(
        actor=people.agent, article=edited, data=queries.shown_version(people.agent, edited).text()
    )
    assert same.version == 2
    # an edit made from an old version is refused
    with pytest.raises(Conflict):
        article_edit(actor=people.agent, article=edited, data=TEXT, expected_version=1)
    article_publish(actor=people.supervisor, article=edited)
    assert queries.shown_version(people.auditor, Article.objects.get(pk=edited.pk)).number == 2
    assert actions_of(edited) == [
        "article.draft",
        "article.publish",
        "article.edit",
        "article.publish",
    ]


def test_retiring_needs_a_reason_and_ends_edits(people, published):
    with pytest.raises(ValidationFailed):
        article_retire(actor=people.supervisor, article=published, reason=" ")
    with pytest.raises(PermissionDenied):
        article_retire(actor=people.agent, article=published, reason="outdated")
    retired = article_retire(actor=people.supervisor, article=published, reason="outdated")
    assert retired.status == ArticleStatus.RETIRED
    with pytest.raises(Conflict):
        article_edit(actor=people.agent, article=retired, data=TEXT)
    with pytest.raises(Conflict):
        article_publish(actor=people.compliance, article=retired)
    # a reader no longer finds it; an editor still reads it and its history
    with pytest.raises(Exception):  # noqa: B017 (NotFound)
        queries.article_get(actor=people.auditor, article_id=retired.pk)
    assert queries.article_get(actor=people.agent, article_id=retired.pk) == retired


def test_another_department_neither_reads_nor_edits_the_article(people, published, article):
    from caseledger.core.errors import NotFound

    with pytest.raises(NotFound):
        queries.article_get(actor=people.outsider, article_id=published.pk)
    with pytest.raises(PermissionDenied):
        article_edit(actor=people.outsider, article=published, data=TEXT)
    with pytest.raises(PermissionDenied):
        queries.article_list(actor=people.admin)


def test_drafts_are_seen_by_editors_not_by_readers(people, article):
    assert list(queries.article_list(actor=people.agent)) == [article]
    assert list(queries.article_list(actor=people.auditor)) == []
    assert list(queries.article_list(actor=people.records_manager)) == []


def test_the_draft_form_starts_from_the_case_without_personal_numbers(people, customer):
    case = make_case(
        people.agent,
        customer,
        description="客户手机13812345678，邮箱 wang@example.com，卡号6222021234567890128",
    )
    case = resolve(people.agent, case)
    text = queries.draft_from_case(case)
    assert "13812345678" not in text["problem_zh"]
    assert "wang@example.com" not in text["problem_zh"]
    assert "6222021234567890128" not in text["problem_zh"]
    assert text["answer_zh"].startswith("已人工审核退款")


def test_destroying_the_source_case_keeps_the_article_and_journals_the_unlink(people, published):
    from caseledger.disposition import services as disp
    from tests.disposition.conftest import make_schedule, recompute

    case_pk = published.source_case_id
    schedule = make_schedule(people, "destroy", code="complaints-destroy")
    recompute(people)
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.supervisor, batch=batch, reason="checked")
    disp.disposition_execute(actor=people.records_manager, batch=batch)
    article = Article.objects.get(pk=published.pk)
    assert article.source_case_id is None and article.source_case_key is None
    assert article.status == ArticleStatus.PUBLISHED
    assert queries.article_search(actor=people.agent, q="人工审核")[0].article == article
    assert actions_of(article)[-1] == "article.unlink"
    entry = Entry.objects.filter(object_type="article", object_id=str(article.pk)).last()
    assert entry.actor_id is None and case_pk is not None
