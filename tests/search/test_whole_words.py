"""SQLite: a word prefix that only one word of the index starts with is searched as that
word (search/words.py): the same matches and the same BM25 scores as the prefix, and as
soon as a second word with that prefix is indexed, the prefix again."""

from __future__ import annotations

import pytest
from django.db import connection

from caseledger.search import indexer, words
from caseledger.search.backends import NEWEST, RANKED, backend
from caseledger.search.queries import search
from caseledger.search.tokens import Token, parse
from tests.factories import make_case

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the word list serves FTS5 prefix queries"
)


def as_prefix(q: str, order: str) -> list[tuple[int, float]]:
    """The engine's page without the word list: the prefix as typed."""
    indexer.catch_up()
    return backend()._page(parse(q), None, order, 50, None, 0, 2000)


def test_a_prefix_one_word_starts_is_that_word_with_the_same_scores(people, customer):
    make_case(people.agent, customer, description="the parcel was lost, the parcel never came")
    make_case(people.agent, customer, description="parcel damaged in transit")
    make_case(people.agent, customer, description="delivery late")
    indexer.catch_up()
    assert words.whole(parse("parc")).terms == ((Token("parcel"),),)
    for order in (NEWEST, RANKED):
        page = backend().page(parse("parc"), scope=None, order=order, limit=50, window=2000)
        assert page == as_prefix("parc", order) and len(page) == 2
        assert page == backend().page(
            parse("parcel"), scope=None, order=order, limit=50, window=2000
        )

    # A second word with that prefix: the prefix again, and both found.
    later = make_case(people.agent, customer, description="two parcels lost")
    found = {h.case.pk for h in search(actor=people.compliance, q="parc", order=RANKED).hits}
    assert later.pk in found and len(found) == 3
    assert words.whole(parse("parc")).terms == (
        (Token("parc", prefix=True, words=("parcel", "parcels")),),
    )
    ranked = backend().page(parse("parc"), scope=None, order=RANKED, limit=50, window=2000)
    assert ranked == as_prefix("parc", RANKED)


def test_the_word_list_follows_a_rebuild_and_an_erasure(people, customer):
    from caseledger.core import erasure
    from caseledger.journal.services import write_transaction

    gone = make_case(people.agent, customer, description="parcels lost")
    make_case(people.agent, customer, description="parcel lost")
    indexer.rebuild()
    with write_transaction():
        erasure.erase(mode="destroy", case_ids=[gone.pk])
    # `parcels` is gone from the index and so from the list: the prefix is `parcel` again.
    assert words.whole(parse("parc")).terms == ((Token("parcel"),),)
    assert len(search(actor=people.compliance, q="parc").hits) == 1


def test_an_erased_or_corrected_texts_words_leave_the_word_list(people, customer):
    from caseledger.cases.services import case_update
    from caseledger.core import erasure
    from caseledger.journal.services import write_transaction

    def listed(word: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM search_words WHERE term = %s", [word])
            return bool(cursor.fetchall())

    erased = make_case(people.agent, customer, description="zhangwenjie called about parcels")
    edited = make_case(people.agent, customer, description="liqiaoyun parcel and parcels")
    indexer.catch_up()
    assert listed("zhangwenjie") and listed("liqiaoyun") and listed("parcels")
    with write_transaction():
        erasure.erase(mode="destroy", case_ids=[erased.pk])
    assert not listed("zhangwenjie") and listed("parcels")  # `edited` still holds it
    case_update(actor=people.agent, case=edited, data={"description": "a parcel"})
    indexer.catch_up()
    assert not listed("liqiaoyun") and not listed("parcels") and listed("parcel")
    # and the prefix is that one word again, still exact
    assert words.whole(parse("parc")).terms == ((Token("parcel"),),)
    assert {h.case.pk for h in search(actor=people.compliance, q="parc").hits} == {edited.pk}


@pytest.mark.django_db(transaction=True)
def test_a_search_takes_no_write_lock(people, customer):
    # On SQLite a transaction is BEGIN IMMEDIATE, SQLite's one write lock: a search that
    # opened one would queue behind every writer (and a server's shared group commits).
    from django.test.utils import CaptureQueriesContext

    make_case(people.agent, customer, description="the parcel was lost")
    indexer.catch_up()
    with CaptureQueriesContext(connection) as queries:
        for order in (NEWEST, RANKED):
            assert search(actor=people.compliance, q="parc", order=order).hits
    opened = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("BEGIN")]
    assert opened == []
