"""SQLite ranks its window of newest matches by BM25 computed from the matches' text, its
document counts taken from the newest IDF_SAMPLE documents (search/backends.py,
docs/adr/0008-search-index.md): the order is the one FTS5's bm25() gives on an index the
sample covers, more instances and a shorter text rank higher, a rarer term weighs more,
and a word prefix asked for as its words finds the same cases."""

from __future__ import annotations

import pytest
from django.db import connection

from caseledger.search import indexer, words
from caseledger.search.backends import NEWEST, RANKED, SqliteBackend, backend, run_sql
from caseledger.search.tokens import Token, parse
from tests.factories import make_case

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the window is scored in Python on SQLite"
)

FILLER = "客户来电咨询订单状态"


def ranked(q: str, engine: SqliteBackend | None = None) -> list[tuple[int, float]]:
    indexer.catch_up()
    return (engine or backend()).page(parse(q), scope=None, order=RANKED, limit=50, window=2000)


def fts5_bm25(q: str) -> list[int]:
    """FTS5's own order: bm25() of the text column, the scope column weighing 0."""
    text = backend().expression(words.whole(parse(q)))
    rows = run_sql(
        "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
        "ORDER BY bm25(search_fts, 1.0, 0.0), rowid DESC",
        [text],
    )
    return [r[0] for r in rows]


def test_more_instances_and_shorter_texts_rank_first_as_fts5_ranks_them(people, customer):
    twice = make_case(people.agent, customer, description="退款退款，申请退款没有到账")
    once_short = make_case(people.agent, customer, description="退款没有到账")
    once_long = make_case(
        people.agent, customer, description="退款没有到账。" + "，".join([FILLER] * 12)
    )
    make_case(people.agent, customer, description=FILLER)
    page = [pk for pk, _score in ranked("退款")]
    assert page[:3] == [twice.pk, once_short.pk, once_long.pk]
    assert page == fts5_bm25("退款")


def test_a_rarer_term_weighs_more_in_a_query_of_two(people, customer):
    # `billing` is in every case, `gateway` in two: the case where the rare word repeats
    # ranks above the one where the common word does.
    for _ in range(6):
        make_case(people.agent, customer, description="billing question")
    rare = make_case(people.agent, customer, description="billing gateway gateway gateway")
    common = make_case(people.agent, customer, description="billing billing billing gateway")
    page = [pk for pk, _score in ranked("billing gateway")]
    assert page == [rare.pk, common.pk]
    assert page == fts5_bm25("billing gateway")


def test_the_index_totals_are_fts5s_own(people, customer):
    make_case(people.agent, customer, description="parcel lost 退款")
    make_case(people.agent, customer, description="parcel damaged in transit")
    indexer.catch_up()
    total, lengths = SqliteBackend().totals()
    bodies = [r[0] for r in run_sql("SELECT body FROM search_fts")]
    assert total == len(bodies) >= 2
    assert lengths[0] == sum(len(b.split()) for b in bodies)


def test_document_counts_are_exact_within_the_sample_and_scaled_beyond(people, customer):
    for n in range(8):
        make_case(people.agent, customer, description="zorblax late" if n % 2 else "courier")
    indexer.catch_up()
    engine = SqliteBackend()
    total, _ = engine.totals()
    query = words.whole(parse("zorblax"))
    assert engine.document_counts(query, total) == [4.0]

    class Sampled(SqliteBackend):
        IDF_SAMPLE = 2  # the newest two documents: one holds `zorblax`

    newest = [r[0] for r in run_sql("SELECT rowid FROM search_fts ORDER BY rowid DESC LIMIT 2")]
    held = len(
        run_sql(
            f"SELECT 1 FROM search_fts WHERE search_fts MATCH 'zorblax' AND rowid IN ({newest[0]}, {newest[1]})"
        )
    )
    assert Sampled().document_counts(query, total) == [held * total / 2]
    # The same order either way: one term's IDF scales every score alike.
    assert [pk for pk, _ in ranked("zorblax", Sampled())] == [pk for pk, _ in ranked("zorblax")]


def test_a_prefix_few_words_start_with_is_asked_for_as_those_words(people, customer):
    a = make_case(people.agent, customer, description="the parcel was lost")
    b = make_case(people.agent, customer, description="two parcels lost, parcels late")
    make_case(people.agent, customer, description="parking fee")
    make_case(people.agent, customer, description="delivery late")
    indexer.catch_up()
    query = words.whole(parse("parc"))
    assert query.terms == ((Token("parc", prefix=True, words=("parcel", "parcels")),),)
    assert SqliteBackend.expression(query) == '(("parcel") OR ("parcels"))'
    for order in (NEWEST, RANKED):
        page = backend().page(parse("parc"), scope=None, order=order, limit=50, window=2000)
        as_typed = backend()._page(parse("parc"), None, order, 50, None, 0, 2000)
        assert page == as_typed and {pk for pk, _ in page} == {a.pk, b.pk}
    assert [pk for pk, _ in ranked("parc")] == [b.pk, a.pk]  # two instances first
