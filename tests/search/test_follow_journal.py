"""The index follows the journal: what a service writes is found at the next search, a
rebuild from scratch finds the same, and the lag is visible."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection

from caseledger.cases.services import case_note_add, case_update
from caseledger.customers.services import customer_update
from caseledger.search import indexer
from caseledger.search.backends import PostgresBackend
from caseledger.search.queries import search
from tests.factories import make_case, make_customer


def refs(actor, q, **kwargs) -> list[str]:
    return [h.case.reference for h in search(actor=actor, q=q, **kwargs).hits]


def test_a_new_case_is_found_by_a_word_of_its_description_at_the_next_search(people, customer):
    case = make_case(people.agent, customer, description="客户反映花呗分期退款一直没到账")
    for q in ("到账", "退", "花呗分期", "twice", "charg", case.reference, "twice 到账"):
        assert refs(people.agent, q) == [case.reference], q
    assert refs(people.agent, "款花") == []


def test_notes_resolution_and_an_organisation_name_are_found_and_follow_their_changes(people):
    org = make_customer(people.agent, people.sales, kind="organisation", name="华为技术有限公司")
    case = make_case(people.agent, org, order_ref="ORD-778899")
    case_note_add(actor=people.agent, case=case, body="已电话回访，客户同意补偿方案")
    case_update(actor=people.agent, case=case, data={"resolution": "补发优惠券 coupon sent"})
    for q in ("补偿方案", "优惠券", "coupon", "华为", "ord 778899", "778899"):
        assert refs(people.agent, q) == [case.reference], q
    customer_update(actor=people.agent, customer=org, data={"name": "荣耀终端有限公司"})
    assert refs(people.agent, "华为") == []
    assert refs(people.agent, "荣耀终端") == [case.reference]


def test_a_person_s_name_and_phone_number_are_not_searchable(people):
    person = make_customer(people.agent, people.sales, name="张三丰")
    make_case(people.agent, person, description="客户来电 13912345678 要求退款")
    assert refs(people.agent, "张三丰") == []
    assert refs(people.agent, "13912345678") == []
    assert len(refs(people.agent, "退款")) == 1


def test_newest_first_pages_through_every_hit_once_and_ranked_puts_the_best_first(people, customer):
    made = [make_case(people.agent, customer, subject=f"退款 {i}") for i in range(5)]
    best = make_case(
        people.agent, customer, subject="退款退款退款", description="退款 退款 退款 退款"
    )
    seen, cursor = [], None
    while True:
        page = search(actor=people.agent, q="退款", limit=2, cursor=cursor)
        seen += [h.case.pk for h in page.hits]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted([c.pk for c in [*made, best]], reverse=True)
    ranked = search(actor=people.agent, q="退款", order="ranked", limit=3)
    assert ranked.hits[0].case.pk == best.pk
    second = search(
        actor=people.agent, q="退款", order="ranked", limit=3, cursor=ranked.next_cursor
    )
    assert len({h.case.pk for h in ranked.hits + second.hits}) == 6


def test_best_match_ranks_only_the_newest_matches_of_its_window(people, customer, settings):
    best = make_case(
        people.agent, customer, subject="退款退款退款", description="退款 退款 退款 退款"
    )
    newer = [make_case(people.agent, customer, subject=f"退款 {i}") for i in range(3)]
    settings.SEARCH_RANK_WINDOW = 3
    ranked = search(actor=people.agent, q="退款", order="ranked", limit=10)
    assert sorted(h.case.pk for h in ranked.hits) == sorted(c.pk for c in newer)
    assert ranked.next_cursor is None
    settings.SEARCH_RANK_WINDOW = 0
    assert search(actor=people.agent, q="退款", order="ranked", limit=1).hits[0].case == best


def test_a_case_matching_in_several_chunks_is_listed_once_newest_first(people, customer):
    long_text = "退款" * 3_000  # 3,000 of one bigram: a dozen PostgreSQL chunks
    cases = [make_case(people.agent, customer, description=long_text) for _ in range(3)]
    seen, cursor = [], None
    while True:
        page = search(actor=people.agent, q="退款", limit=2, cursor=cursor)
        seen += [h.case.pk for h in page.hits]
        if (cursor := page.next_cursor) is None:
            break
    assert seen == sorted((c.pk for c in cases), reverse=True)


def test_newest_first_is_exact_whichever_way_postgresql_walks(people, customer, monkeypatch):
    # Tiny slices: the newest-first walk goes slice by slice, then to the GIN index.
    monkeypatch.setattr(PostgresBackend, "PROBE", 1)
    texts = ["退款", "其他", "退款" * 3_000, "其他", "其他", "退款", "其他", "其他", "其他", "其他"]
    texts += ["其他"] * 12 + ["退款", "其他" * 2_000, "退款"]
    cases = [make_case(people.agent, customer, description=text) for text in texts]
    expected = sorted((c.pk for c in cases if "退款" in c.description), reverse=True)
    for limit in (1, 2, 3):
        seen, cursor = [], None
        while True:
            page = search(actor=people.agent, q="退款", limit=limit, cursor=cursor)
            seen += [h.case.pk for h in page.hits]
            if (cursor := page.next_cursor) is None:
                break
        assert seen == expected, limit
    ranked = search(actor=people.agent, q="退款", order="ranked", limit=10)
    assert sorted(h.case.pk for h in ranked.hits) == sorted(expected)


def test_a_rebuild_from_scratch_finds_the_same_and_reports_progress(people, customer, capsys):
    case = make_case(people.agent, customer, description="发票抬头错误 invoice title")
    assert refs(people.agent, "抬头") == [case.reference]
    call_command("search", "reindex", "--json", "--no-progress")
    out = json.loads(capsys.readouterr().out)
    assert out["cases"] == 1 and out["caught_up"]["entries"] == 0
    assert refs(people.agent, "抬头") == [case.reference]
    if connection.vendor == "postgresql":  # the GIN index dropped for the rebuild is back
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_chunk_tsv'")
            assert cursor.fetchone() == (1,)


def test_the_lag_is_visible_in_status_and_health(people, customer, settings, capsys):
    settings.SEARCH_SYNC_MAX_ENTRIES = 0  # nobody catches up: the worker is not running
    make_case(people.agent, customer)
    call_command("search", "status", "--json")
    status = json.loads(capsys.readouterr().out)
    assert status["entries"] > 0 and status["indexed_seq"] < status["journal_seq"]
    from caseledger.core.health import health

    assert health().checks["search"]["entries"] == status["entries"]
    assert indexer.catch_up()["entries"] == status["entries"]
    assert indexer.lag()["entries"] == 0


@pytest.mark.parametrize("bad", ["", "   ", "。，！", "x" * 501])
def test_an_empty_or_overlong_search_is_refused_by_name(people, bad):
    from caseledger.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        search(actor=people.agent, q=bad)
    assert refused.value.field == "q"


def test_a_cursor_from_elsewhere_is_refused_by_name(people, customer):
    from caseledger.core.errors import ValidationFailed

    make_case(people.agent, customer)
    with pytest.raises(ValidationFailed) as refused:
        search(actor=people.agent, q="退款", cursor="not-a-cursor")
    assert refused.value.field == "cursor"


def test_a_field_the_administrator_marks_sensitive_is_not_indexed_nor_shown(
    people, customer, settings
):
    settings.SENSITIVE_FIELDS = ["case.root_cause"]
    case = make_case(people.agent, customer, description="普通描述")
    case_update(actor=people.agent, case=case, data={"root_cause": "内部系统漏洞"})
    assert refs(people.agent, "漏洞") == []
    hit = search(actor=people.agent, q="普通").hits[0]
    assert "".join(text for text, _marked in hit.snippet) == "普通描述"
    assert [text for text, marked in hit.snippet if marked] == ["普通"]
