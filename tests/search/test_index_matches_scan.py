"""The index finds exactly what a scan finds: for random texts and random pieces of them,
on the engine the suite runs on (SQLite's FTS5 or PostgreSQL's tsvector)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.search.backends import PostgresBackend, backend
from caseledger.search.tokens import document_tokens, parse, segments, text_tokens

CJK = "退款到账花呗两次扣费"
WORDS = ["ab", "abc", "b", "refund", "re", "ORDER", "Ord", "12", "123", "2024", "cl"]
SEPARATORS = [" ", ",", "-", "。", "，", "\n", ""]

piece = st.one_of(
    st.text(alphabet=CJK, min_size=1, max_size=6),
    st.sampled_from(WORDS),
    st.sampled_from(SEPARATORS),
)
field_text = st.lists(piece, max_size=12).map("".join)
document = st.lists(field_text, min_size=1, max_size=3)


def canonical(text: str) -> str:
    """The text as the index sees it: CJK runs and words, one space between."""
    return " ".join(part for _, part in segments(text))


def scan(doc: list[str], query: str) -> bool:
    """A substring scan: the query's pieces occur together in the text, starting anywhere
    inside a CJK run but only at the start of a word."""
    text, wanted = canonical(" ".join(doc)), canonical(query)
    start = text.find(wanted)
    while start != -1:
        before = text[start - 1] if start else " "
        if before == " " or next(segments(wanted))[0]:
            return True
        start = text.find(wanted, start + 1)
    return False


def found(docs: list[list[str]], query: str) -> set[int]:
    from django.db import connection

    index = backend()
    index.clear()
    index.write({i + 1: document_tokens(doc) for i, doc in enumerate(docs)}, fresh=True)
    sql, params = index.matching(parse(query))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@st.composite
def corpus_and_query(draw):
    docs = draw(st.lists(document, min_size=1, max_size=6))
    text = canonical(" ".join(draw(st.sampled_from(docs))))
    if text and draw(st.booleans()):
        # A piece of one of the texts, from a CJK character or a word's start.
        starts = [i for i, ch in enumerate(text) if ch != " "]
        start = draw(st.sampled_from(starts))
        end = draw(st.integers(start + 1, min(len(text), start + 20)))
        query = text[start:end].strip()
        if text[start - 1 : start] not in ("", " ") and not next(segments(query))[0]:
            query = text[text.rfind(" ", 0, start) + 1 : end].strip()
    else:
        query = draw(field_text.filter(lambda t: bool(list(segments(t)))))
    return docs, query


@pytest.mark.django_db
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=corpus_and_query())
def test_any_piece_of_a_text_finds_exactly_the_texts_a_scan_finds(case):
    docs, query = case
    quoted = f'"{query}"'
    expected = {i + 1 for i, doc in enumerate(docs) if scan(doc, query)}
    assert found(docs, quoted) == expected, (docs, query)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=st.lists(document, min_size=1, max_size=5), first=field_text, second=field_text)
def test_two_terms_find_the_texts_holding_both(docs, first, second):
    terms = [t for t in (first.replace('"', ""), second) if list(segments(t))]
    query = " ".join(f'"{t}"' for t in terms)
    expected = {i + 1 for i, doc in enumerate(docs) if all(scan(doc, t) for t in terms)}
    assert found(docs, query) == expected if terms else True


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(field_text, st.text()), max_size=4))
def test_a_case_s_fields_tokenised_together_give_each_field_s_tokens_in_turn(texts):
    assert document_tokens(texts) == [t for text in texts for t in text_tokens(text)]


def test_a_run_of_chinese_becomes_bigrams_and_its_last_character():
    assert text_tokens("花呗分期退款一直没到账") == [
        "花呗", "呗分", "分期", "期退", "退款", "款一", "一直", "直没", "没到", "到账", "账",
    ]  # fmt: skip
    assert text_tokens("ＣＬ-2024-000123 退款abc") == ["cl", "2024", "000123", "退款", "款", "abc"]


def test_phone_resident_id_and_card_numbers_are_never_tokens():
    assert text_tokens("call 13812345678 id 11010519491231002X card 4111111111111111") == [
        "call", "id", "card",
    ]  # fmt: skip


def test_a_long_text_is_cut_into_overlapping_chunks_within_postgresql_limits():
    tokens = [f"w{i % 300}" for i in range(40_000)]
    chunks = PostgresBackend.chunks(tokens)
    assert all(len(c) <= 16_383 for c in chunks)
    assert all(max(c.count(t) for t in set(c)) <= 255 for c in chunks[:3])
    # every window of 32 consecutive tokens lies whole inside one chunk
    covered, start = 0, 0
    for chunk in chunks:
        assert start <= covered  # no gap
        covered = start + len(chunk)
        start = covered - 32
    assert covered == len(tokens)
