"""The SQLite engine: an FTS5 table of each case's tokens, and its ranked window scored
from the window's own text (docs/adr/0008-search-index.md)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from caseledger.search import words
from caseledger.search.engine import RANKED, Backend, run_sql
from caseledger.search.scope import Scope
from caseledger.search.tokens import Query, Token, is_word


class SqliteBackend(Backend):
    """FTS5, one row per case (rowid = case id), tokens in one column."""

    vendor = "sqlite"
    TABLE = "search_fts"
    # The cases' FTS5 table has a second column, `scope`: each case's visibility as tokens
    # no query can produce (they start with "·", which tokens.py never keeps), so a limited
    # person's search is one FTS5 expression, merged in the index. Another index (knowledge)
    # has no such column (SCOPED = False) and no word list (WORDS = False).
    SCOPED = True
    # It also keeps its word tokens in `search_words` (search/words.py), so a word prefix
    # only one of them starts with is searched as that word.
    WORDS = True

    def write(self, docs, *, fresh=False, scopes=None):
        held: set[str] = set()
        if docs and not fresh:
            held = self._remove(list(docs))
        if self.WORDS:
            # A word the replaced documents held and the new ones do not: gone from the list
            # when no other document holds it (the new ones cannot: checked before them).
            words.forget(self.TABLE, held - words.record(docs.values()))
        with connection.cursor() as cursor:
            if not (scopes and self.SCOPED):
                rows = [(pk, " ".join(tokens)) for pk, tokens in docs.items() if tokens]
                cursor.executemany(f"INSERT INTO {self.TABLE} (rowid, body) VALUES (%s, %s)", rows)
                return
            cursor.executemany(
                f"INSERT INTO {self.TABLE} (rowid, body, scope) VALUES (%s, %s, %s)",
                [
                    (pk, " ".join(tokens), scopes[pk].fts5())
                    for pk, tokens in docs.items()
                    if tokens
                ],
            )
            # A case whose document is kept (archived): its visibility alone.
            cursor.executemany(
                f"UPDATE {self.TABLE} SET scope = %s WHERE rowid = %s",
                [(v.fts5(), pk) for pk, v in scopes.items() if pk not in docs],
            )

    def delete(self, case_ids: Iterable[int]) -> None:
        held = self._remove([int(pk) for pk in case_ids])
        if self.WORDS:
            words.forget(self.TABLE, held)

    def _remove(self, ids: list[int]) -> set[str]:
        """Drop these documents; the words they held (the cases' index only)."""
        held = words.held(self.TABLE, ids) if self.WORDS else set()
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.TABLE} WHERE rowid = %s", [(i,) for i in ids])
        return held

    def clear(self) -> None:
        """Made again from its own CREATE statement: a DELETE of every row of an FTS5 table
        reads each document back to take its tokens out, as long as indexing them (about
        a minute at 1M cases, before a rebuild writes them all again)."""
        (create,) = run_sql("SELECT sql FROM sqlite_master WHERE name = %s", [self.TABLE])[0]
        run_sql(f"DROP TABLE {self.TABLE}")
        run_sql(create)

    def existing(self, case_ids: Sequence[int]) -> set[int]:
        if not case_ids:
            return set()
        marks = ", ".join(["%s"] * len(case_ids))
        rows = run_sql(f"SELECT rowid FROM {self.TABLE} WHERE rowid IN ({marks})", list(case_ids))
        return {r[0] for r in rows}

    def count(self) -> int:
        return run_sql(f"SELECT count(*) FROM {self.TABLE}")[0][0]

    def size_bytes(self) -> int | None:
        try:
            rows = run_sql("SELECT sum(pgsize) FROM dbstat WHERE name LIKE %s", [f"{self.TABLE}%"])
        except Exception:  # dbstat is a compile-time option of SQLite
            return None
        return rows[0][0] if rows else None

    @staticmethod
    def expression(query: Query) -> str:
        """FTS5 query text: each term a phrase of quoted tokens (a prefix token starred),
        all terms required."""
        phrases = []
        for term in query.terms:
            parts = [f'"{t.text}"' + (" *" if t.prefix else "") for t in term]
            if term[-1].words:  # a prefix only these words start with: each word's phrase
                lead = "".join(f"{p} + " for p in parts[:-1])
                phrases.append("(" + " OR ".join(f'({lead}"{w}")' for w in term[-1].words) + ")")
                continue
            phrases.append("(" + " + ".join(parts) + ")")
        return " AND ".join(phrases)

    def matching(self, query: Query) -> tuple[str, list[Any]]:
        return (
            f"SELECT rowid AS case_id FROM {self.TABLE} WHERE {self.TABLE} MATCH %s",
            [self.expression(query)],
        )

    def page(self, query, *, scope, order, limit, after=None, offset=0, window=None):
        if self.WORDS:
            # No transaction around the look-up and the search: on SQLite atomic() is BEGIN
            # IMMEDIATE, the write lock, and a search would queue behind every writer. A
            # word indexed between the two is missed as if it had come a moment later (the
            # index follows the journal: a case is findable within its catch-up anyway).
            query = words.whole(query)
        return self._page(query, scope, order, limit, after, offset, window)

    def _page(self, query, scope, order, limit, after, offset, window):
        scope = Scope.of(scope)
        text = self.expression(query)
        visible = scope.fts5(self.SCOPED) if scope is not None else ""
        where, params = [f"{self.TABLE} MATCH %s"], [f"({text}){visible}" if visible else text]
        if scope is not None and scope.where:
            where.append("EXISTS (" + scope.where[0].replace("{doc}", "f.rowid") + ")")
            params += scope.where[1]
        if order == RANKED and window:
            return self._ranked_window(query, where, params, window, limit, offset)
        if order == RANKED:
            # Every match ranked (no window): FTS5's bm25(), computed per row produced.
            # The scope column weighs 0: its tokens add nothing to a score (bm25() still
            # walks their lists for an IDF it multiplies by 0).
            weights = ", 1.0, 0.0" if self.SCOPED else ""
            inner = (
                f"SELECT f.rowid AS doc, bm25({self.TABLE}{weights}) AS score FROM {self.TABLE} AS f "
                f"WHERE {' AND '.join(where)}"
            )
            sql = f"SELECT doc, score FROM ({inner}) ORDER BY score, doc DESC LIMIT %s OFFSET %s"
            return [(r[0], -r[1]) for r in run_sql(sql, [*params, limit, offset])]
        if after is not None:
            where.append("f.rowid < %s")
            params.append(after)
        sql = (
            f"SELECT f.rowid, 0 FROM {self.TABLE} AS f WHERE {' AND '.join(where)} "
            "ORDER BY f.rowid DESC LIMIT %s"
        )
        return [(r[0], 0.0) for r in run_sql(sql, [*params, limit])]

    # BM25 over a window (docs/adr/0008-search-index.md): FTS5's parameters.
    K1 = 1.2
    B = 0.75
    # A term's document count is counted among the newest IDF_SAMPLE documents and scaled
    # to the whole index (exact when the index holds no more).
    IDF_SAMPLE = 50_000

    def _ranked_window(
        self,
        query: Query,
        where: list[str],
        params: list[Any],
        window: int,
        limit: int,
        offset: int,
    ) -> list[tuple[int, float]]:
        """The newest `window` matches scored by BM25 as FTS5's bm25() computes it, from
        each match's text, except each term's document count (its IDF): bm25() counts it
        over the term's whole list before it scores the first row (a walk of every posting
        of a frequent bigram or word, and for a phrase of their positions too; also of the
        scope's token, weighed 0: 20-50 ms at 1M), here among the newest IDF_SAMPLE
        documents, scaled. The text is read from FTS5's content table by id after the
        window's ids (cheaper than FTS5 reading it per row), and each document's length and
        each term's instances are counted in SQL, so no text comes to Python."""
        patterns = [_instances(term) for term in query.terms]
        counts = ", ".join(
            "(length(CAST(' ' || c.c0 || ' ' AS BLOB)) - "
            "length(CAST(replace(' ' || c.c0 || ' ', %s, '') AS BLOB))) / %s"
            for _ in patterns
        )
        sql = (
            "SELECT c.id, length(CAST(c.c0 AS BLOB)) - length(CAST(replace(c.c0, ' ', '') AS BLOB))"
            f" + 1, {counts} FROM (SELECT f.rowid AS id FROM {self.TABLE} AS f "
            f"WHERE {' AND '.join(where)} ORDER BY f.rowid DESC LIMIT %s) AS w "
            f"JOIN {self.TABLE}_content AS c ON c.id = w.id"
        )
        args: list[Any] = [v for p in patterns for v in (p, len(p.encode()))]
        rows = run_sql(sql, [*args, *params, window])
        if not rows:
            return []
        total, lengths = self.totals()
        avgdl = lengths[0] / total if total and lengths and lengths[0] else 1.0
        idfs = [self._idf(n, total) for n in self.document_counts(query, total)]
        k1, b = self.K1, self.B
        scored = []
        for pk, length, *tfs in rows:
            norm = k1 * (1 - b + b * length / avgdl)
            score = sum(
                idf * tf * (k1 + 1) / (tf + norm) for idf, tf in zip(idfs, tfs, strict=True)
            )
            scored.append((score, pk))
        scored.sort(key=lambda r: (-r[0], -r[1]))
        return [(pk, score) for score, pk in scored[offset : offset + limit]]

    @staticmethod
    def _idf(n: float, total: int) -> float:
        """FTS5's: log((N - n + 0.5) / (n + 0.5)), at least 1e-6 (a term in over half
        of the documents still counts a little)."""
        idf = math.log((total - n + 0.5) / (n + 0.5)) if total else 0.0
        return idf if idf > 0 else 1e-6

    def totals(self) -> tuple[int, list[int]]:
        """(documents, tokens per column) from FTS5's own "averages" record (rowid 1 of
        its %_data table: varints, the row count then each column's token total), which
        it keeps up to date with every write; (0, []) for an empty index."""
        found = run_sql(f"SELECT block FROM {self.TABLE}_data WHERE id = 1")
        if not found or not found[0][0]:
            return 0, []
        values = _varints(bytes(found[0][0]))
        return values[0], values[1:]

    def document_counts(self, query: Query, total: int) -> list[float]:
        """Each term's document count: exact when the index holds at most IDF_SAMPLE
        documents, else counted among the newest IDF_SAMPLE and scaled to `total`."""
        bound, scale = "", 1.0
        args: list[Any] = []
        if total > self.IDF_SAMPLE:
            lowest = run_sql(
                f"SELECT id FROM {self.TABLE}_docsize ORDER BY id DESC LIMIT 1 OFFSET %s",
                [self.IDF_SAMPLE - 1],
            )
            if lowest:
                bound, args, scale = " AND rowid >= %s", [lowest[0][0]], total / self.IDF_SAMPLE
        sql = f"SELECT count(*) FROM {self.TABLE} WHERE {self.TABLE} MATCH %s{bound}"
        return [
            run_sql(sql, [self.expression(Query(terms=(term,))), *args])[0][0] * scale
            for term in query.terms
        ]


def _instances(term: tuple[Token, ...]) -> str:
    """What marks one instance of the phrase `term` in a document's tokens (one space
    between them, one added before and after): `" t1 t2 t3"`, and a space after it when
    its last token is exact and could start a longer token (a word, or a run's last
    character, which starts bigrams); a bigram cannot (no token is longer), a prefix may.
    Instances are counted as `replace` finds them, left to right without overlap: a phrase
    that overlaps itself (`aa aa` in `aa aa aa`), or an exact word repeated back to back
    (`very very`: the space between them serves one), counts once where FTS5 counts each.
    Rare, and it moves only that document's score."""
    text = " " + " ".join(t.text for t in term)
    last = term[-1]
    if last.prefix or (len(last.text) == 2 and not is_word(last.text)):
        return text
    return text + " "


def _varints(data: bytes) -> list[int]:
    """SQLite's varints (FTS5 writes its records with them): 7 bits a byte, high bit set
    when another follows, the ninth byte whole."""
    out, i = [], 0
    while i < len(data):
        value = 0
        for n in range(9):
            byte = data[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out
