"""PostgreSQL ranks its window with ts_rank computed on the chunk rows as the newest-first
walk checks them (search/backends.py, PostgresBackend._ranked_window): the same ranks and
order as ranking every match, for everyone and within a person's scope."""

from __future__ import annotations

import pytest
from django.db import connection

from caseledger.search import indexer
from caseledger.search.backends import RANKED, PostgresBackend, backend
from caseledger.search.queries import engine_scope, scoped
from caseledger.search.tokens import parse
from tests.factories import make_case

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the chunk walk is PostgreSQL's"
)


def test_the_window_ranks_as_ranking_every_match_does(people, customer):
    best = make_case(people.agent, customer, description="退款退款，申请退款，退款没有到账")
    for n in range(5):
        make_case(people.agent, customer, description=f"退款没有到账，第{n}次来电，客户很着急")
    make_case(people.agent, customer, description="客户咨询订单")
    indexer.catch_up()
    for actor in (people.compliance, people.agent):
        scope = engine_scope(actor, {}, scoped(actor, {}))
        window = backend().page(parse("退款"), scope=scope, order=RANKED, limit=50, window=2000)
        every = backend().page(parse("退款"), scope=scope, order=RANKED, limit=50)
        assert window == every and len(window) == 6
        assert window[0][0] == best.pk and window[0][1] > window[1][1] > 0
        paged = backend().page(
            parse("退款"), scope=scope, order=RANKED, limit=2, offset=2, window=2000
        )
        assert paged == window[2:4]


@pytest.mark.parametrize("gin_cost", [0, 10**9])
def test_a_window_walked_slice_by_slice_or_finished_from_gin_ranks_the_same(
    people, customer, monkeypatch, gin_cost
):
    # Slices of 20 chunk rows (a window of 4 matches): the walk reads several, then either
    # the GIN index finishes the window (GIN_COST 0) or the walk does (a huge GIN_COST).
    monkeypatch.setattr(PostgresBackend, "PROBE", 1)
    monkeypatch.setattr(PostgresBackend, "GIN_COST", gin_cost)
    # One match among the newest 20 cases, the rest older: the first slice finds one.
    for n in range(45):
        text = "退款" * (1 + n % 4) + "，客户来电" if n < 12 or n == 40 else "客户来电咨询"
        make_case(people.agent, customer, description=text)
    indexer.catch_up()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_chunk")  # the walk's estimate of the table's rows
    for actor in (people.compliance, people.agent):
        scope = engine_scope(actor, {}, scoped(actor, {}))
        every = dict(backend().page(parse("退款"), scope=scope, order=RANKED, limit=100))
        newest = sorted(every, reverse=True)[:4]
        expected = sorted(newest, key=lambda pk: (-every[pk], -pk))
        window = backend().page(parse("退款"), scope=scope, order=RANKED, limit=10, window=4)
        assert [pk for pk, _ in window] == expected
        assert [score for _, score in window] == [every[pk] for pk in expected]
