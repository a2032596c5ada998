"""Articles are found like cases: the same tokens and query language, exact recall of any
piece of their published text, scoped to the departments the reader may see; drafts and
retired articles are not found; the case page suggests published articles of its category."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from caseledger.core.errors import ValidationFailed
from caseledger.knowledge import index
from caseledger.knowledge.models import Article
from caseledger.knowledge.queries import article_search, matching, suggested_for
from caseledger.knowledge.services import (
    article_draft,
    article_edit,
    article_publish,
    article_retire,
)
from caseledger.search import indexer
from caseledger.search.tokens import document_tokens, parse
from tests.factories import make_case, make_customer
from tests.knowledge.conftest import TEXT
from tests.search.test_index_matches_scan import corpus_and_query, scan


def titles(actor, q) -> list[str]:
    return [hit.version.title for hit in article_search(actor=actor, q=q)]


def test_a_published_article_is_found_by_any_piece_of_its_text(people, published):
    for q in ("退款", "到", "人工审核", "instal", "manual review", "三个工作日"):
        assert titles(people.agent, q) == [TEXT["title_zh"]], q
    hit = article_search(actor=people.agent, q="人工审核")[0]
    assert ("人工审核", True) in hit.snippet
    assert titles(people.agent, "没有这个词") == []


def test_a_draft_is_not_found_until_it_is_published(people, article):
    assert titles(people.agent, "退款") == []
    article_publish(actor=people.supervisor, article=article)
    assert titles(people.agent, "退款") == [TEXT["title_zh"]]


def test_readers_find_the_published_text_not_a_pending_edit(people, published):
    article_edit(actor=people.agent, article=published, data={**TEXT, "answer_zh": "新的答案草稿"})
    assert titles(people.agent, "新的答案") == []
    assert titles(people.agent, "三个工作日") == [TEXT["title_zh"]]


def test_a_retired_article_leaves_the_search(people, published):
    article_retire(actor=people.supervisor, article=published, reason="outdated")
    assert titles(people.agent, "退款") == []


def test_another_department_does_not_find_the_article(people, published):
    assert titles(people.outsider, "退款") == []
    assert titles(people.compliance, "退款") == [TEXT["title_zh"]]


def test_the_article_index_is_rebuilt_from_the_rows(people, published):
    indexer.rebuild()
    assert titles(people.agent, "退款") == [TEXT["title_zh"]]
    qs = Article.objects.all()
    assert list(matching(qs, "人工")) == [published]


def test_an_empty_or_overlong_query_is_refused_with_a_clear_error(people, published):
    with pytest.raises(ValidationFailed):
        article_search(actor=people.agent, q="   ")
    with pytest.raises(ValidationFailed):
        article_search(actor=people.agent, q="退" * 501)
    with pytest.raises(ValidationFailed):
        article_search(actor=people.agent, q='"')  # punctuation alone: nothing to search


def test_a_new_case_of_the_same_category_is_offered_the_article(people, customer, published):
    new = make_case(people.agent, customer)  # billing, like the resolved one
    assert [h.article for h in suggested_for(actor=people.agent, case=new)] == [published]
    other = make_case(people.agent, customer, category="delivery", subcategory="")
    assert suggested_for(actor=people.agent, case=other) == []
    # nor is it offered on the case it was written from, nor to another department
    assert suggested_for(actor=people.agent, case=published.source_case) == []
    theirs = make_case(people.outsider, make_customer(people.outsider, people.service))
    assert suggested_for(actor=people.outsider, case=theirs) == []


def test_the_article_index_never_holds_personal_numbers(people, resolved):
    text = {**TEXT, "problem_zh": "客户手机13812345678"}
    article = article_draft(actor=people.agent, case=resolved, data=text)
    article_publish(actor=people.supervisor, article=article)
    assert titles(people.agent, "13812345678") == []


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=corpus_and_query())
def test_any_piece_of_an_article_finds_exactly_the_articles_a_scan_finds(case):
    from django.db import connection

    docs, query = case
    store = index.backend()
    store.clear()
    store.write({i + 1: document_tokens(doc) for i, doc in enumerate(docs)})
    sql, params = store.matching(parse(f'"{query}"'))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        got = {row[0] for row in cursor.fetchall()}
    assert got == {i + 1 for i, doc in enumerate(docs) if scan(doc, query)}, (docs, query)
