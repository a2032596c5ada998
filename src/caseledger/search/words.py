"""SQLite: every word token the cases' FTS5 index has ever held, so that a word prefix only
one of them starts with is asked for as that word exactly (docs/adr/0008-search-index.md).

A query's last word is a prefix (`"refund" *`). Without a prefix index for its length,
FTS5 merges the lists of every token starting with it, and bm25() does it twice: once for
the matches, once more to count the documents for the IDF. When the only token of the
index starting with the prefix is one word, the prefix and that word match the same
instances in the same documents, so the matches and the BM25 scores are the same: the
word is asked for exactly, with no merge (`customer` at 1M: bm25's first row 29 ms for the
prefix, 8 ms for the word). When two to MAX_WORDS words start with it, the engine asks for
them one by one, an OR of phrases FTS5 walks newest first and stops (a prefix is merged
over the whole index before the first match: `the` at 1M, four words, 35 ms as a prefix
and 14 ms as the OR for the newest 2,000 matches with 上海; counting its documents among
the newest 50,000, 26 ms and 1.2 ms).

A token is added when a document holding it is written, and taken out, in the same
transaction, when a document that held it is replaced or dropped and no other document
holds it (so an erased or corrected text's words do not stay here); it always holds every
word token the index holds, so a look-up answers "several" or the one word the index has
(a word written after the look-up and before the search is missed as if it had been
indexed a moment later: the search takes no write lock to hold them together). Filled from
the index by migration 0005 for an existing install."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from caseledger.search.tokens import Query, Token, is_word

TABLE = "search_words"


def record(documents: Iterable[list[str]]) -> set[str]:
    """Add the word tokens of these documents (in the writing transaction); returns them."""
    distinct: set[str] = set()
    for tokens in documents:
        distinct.update(tokens)
    words = {t for t in distinct if is_word(t)}  # a rebuild's batch: test each token once
    if words:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TABLE} (term) VALUES (%s)", [(w,) for w in sorted(words)]
            )
    return words


def held(index: str, ids: list[int]) -> set[str]:
    """The word tokens of these documents as the index holds them now (before they are
    replaced or dropped)."""
    distinct: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"SELECT body FROM {index} WHERE rowid IN ({marks})", part)
            for (body,) in cursor.fetchall():
                distinct.update(body.split())
    return {t for t in distinct if is_word(t)}


def forget(index: str, candidates: Iterable[str]) -> None:
    """Take out of the list each of these words no document of the index holds any more,
    so an erased or corrected text's words do not outlive it here (the list stays a
    superset of the index's words: only a word the index no longer has goes)."""
    with connection.cursor() as cursor:
        for word in sorted(candidates):
            cursor.execute(
                f"SELECT rowid FROM {index} WHERE {index} MATCH %s LIMIT 1", [f'"{word}"']
            )
            if not cursor.fetchall():
                cursor.execute(f"DELETE FROM {TABLE} WHERE term = %s", [word])


# A prefix at most this many recorded words start with is asked for as those words.
MAX_WORDS = 16


def whole(query: Query) -> Query:
    """The query with each word prefix that only one recorded word starts with replaced by
    that word, exact; a prefix two to MAX_WORDS words start with keeps its prefix and
    lists them (`Token.words`: the engine asks for each, no merge)."""
    terms = []
    with connection.cursor() as cursor:
        for term in query.terms:
            out = []
            for token in term:
                if token.prefix and is_word(token.text):
                    cursor.execute(
                        f"SELECT term FROM {TABLE} WHERE term >= %s ORDER BY term LIMIT %s",
                        [token.text, MAX_WORDS + 1],
                    )
                    found = []
                    for (term_,) in cursor.fetchall():
                        if not term_.startswith(token.text):
                            break
                        found.append(term_)
                    if len(found) == 1:
                        token = Token(found[0])
                    elif 1 < len(found) <= MAX_WORDS:
                        token = Token(token.text, prefix=True, words=tuple(found))
                out.append(token)
            terms.append(tuple(out))
    return Query(terms=tuple(terms))
