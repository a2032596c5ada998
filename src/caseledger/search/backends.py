"""One search interface, one class per engine (docs/adr/0008-search-index.md).

Callers (the indexer and search queries) use only `Backend`: write a case's tokens, drop
cases, and give SQL that selects the ids of matching cases among those a scoped QuerySet
allows, newest first or ranked. A dedicated engine (OpenSearch) would be one more class
answering the same calls with ids, the scoping applied by the database afterwards.

Tokens are made in Python (tokens.py) and stored as typed, so both engines see exactly the
same tokens: FTS5's `ascii` tokenizer only splits on ASCII separators, and PostgreSQL's
tsvector and tsquery are written as literals, never through a text search configuration.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from caseledger.search import words
from caseledger.search.scope import Scope, Visibility
from caseledger.search.tokens import MAX_TERM_TOKENS, Query, Token, is_word

__all__ = ["NEWEST", "RANKED", "Backend", "Scope", "Visibility", "backend"]

RANKED = "ranked"
NEWEST = "newest"


class Backend:
    vendor = ""

    def write(
        self,
        docs: dict[int, list[str]],
        *,
        fresh: bool = False,
        scopes: dict[int, Visibility] | None = None,
    ) -> None:
        """Replace the documents of these cases (an empty token list removes one). `fresh`:
        none of them has a document (a rebuild after `clear`), so nothing is deleted first.
        `scopes` (the cases' index only): each case's visibility, written also for a case
        whose document is kept as it is (an archived case is not in `docs`)."""
        raise NotImplementedError

    def delete(self, case_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def existing(self, case_ids: Sequence[int]) -> set[int]:
        raise NotImplementedError

    def rebuild_begin(self) -> None:
        """Before a rebuild writes every document (after `clear`)."""

    def rebuild_end(self) -> None:
        """After it, also when it failed."""

    def count(self) -> int:
        raise NotImplementedError

    def size_bytes(self) -> int | None:
        return None

    def matching(self, query: Query) -> tuple[str, list[Any]]:
        """SQL selecting the column `case_id` of every case matching the query."""
        raise NotImplementedError

    def page(
        self,
        query: Query,
        *,
        scope: Scope | tuple[str, list[Any]] | None,
        order: str,
        limit: int,
        after: int | None = None,
        offset: int = 0,
        window: int | None = None,
    ) -> list[tuple[int, float]]:
        """(case id, score) of one page. `scope`: the cases that may be returned (a `Scope`,
        or bare SQL selecting 1 when the case whose id is the placeholder column `{doc}`
        may be seen), or None when every indexed case may be (nothing to check per match);
        `after` is the
        keyset cursor of the newest order, `offset` that of the ranked one. `window`, when
        ranked: only the newest `window` matches are scored and ranked (a frequent term
        would otherwise score every match before sorting); None ranks them all."""
        raise NotImplementedError


def _add_new(found: list[int], rows: list[tuple], ranks: dict[int, float] | None = None) -> None:
    """Append each row's id unless it repeats the last one (a case's chunks come together,
    newest first); `ranks`: each id's best rank, the row's second column."""
    for row in rows:
        pk = row[0]
        if not found or found[-1] != pk:
            found.append(pk)
        if ranks is not None:
            ranks[pk] = max(ranks.get(pk, 0.0), float(row[1]))


def _run(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


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
        (create,) = _run("SELECT sql FROM sqlite_master WHERE name = %s", [self.TABLE])[0]
        _run(f"DROP TABLE {self.TABLE}")
        _run(create)

    def existing(self, case_ids: Sequence[int]) -> set[int]:
        if not case_ids:
            return set()
        marks = ", ".join(["%s"] * len(case_ids))
        rows = _run(f"SELECT rowid FROM {self.TABLE} WHERE rowid IN ({marks})", list(case_ids))
        return {r[0] for r in rows}

    def count(self) -> int:
        return _run(f"SELECT count(*) FROM {self.TABLE}")[0][0]

    def size_bytes(self) -> int | None:
        try:
            rows = _run("SELECT sum(pgsize) FROM dbstat WHERE name LIKE %s", [f"{self.TABLE}%"])
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
            return [(r[0], -r[1]) for r in _run(sql, [*params, limit, offset])]
        if after is not None:
            where.append("f.rowid < %s")
            params.append(after)
        sql = (
            f"SELECT f.rowid, 0 FROM {self.TABLE} AS f WHERE {' AND '.join(where)} "
            "ORDER BY f.rowid DESC LIMIT %s"
        )
        return [(r[0], 0.0) for r in _run(sql, [*params, limit])]

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
        rows = _run(sql, [*args, *params, window])
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
        found = _run(f"SELECT block FROM {self.TABLE}_data WHERE id = 1")
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
            lowest = _run(
                f"SELECT id FROM {self.TABLE}_docsize ORDER BY id DESC LIMIT 1 OFFSET %s",
                [self.IDF_SAMPLE - 1],
            )
            if lowest:
                bound, args, scale = " AND rowid >= %s", [lowest[0][0]], total / self.IDF_SAMPLE
        sql = f"SELECT count(*) FROM {self.TABLE} WHERE {self.TABLE} MATCH %s{bound}"
        return [
            _run(sql, [self.expression(Query(terms=(term,))), *args])[0][0] * scale
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


class PostgresBackend(Backend):
    """A GIN-indexed tsvector per chunk of a case's tokens.

    A tsvector keeps positions only up to 16,383 and at most 256 per lexeme, and a phrase
    needs exact positions: a case's tokens are cut into chunks within both limits, each
    overlapping the previous by MAX_TERM_TOKENS, so every phrase a query can ask for lies
    whole inside one chunk."""

    vendor = "postgresql"
    TABLE = "search_chunk"
    SCOPED = True  # its rows have department_id and hidden (Visibility)
    KEY = "case_id"  # the document's id column (another index names its own)
    INDEX = "search_chunk_tsv"
    MAX_POSITIONS = 16_383
    MAX_PER_LEXEME = 255

    @classmethod
    def chunks(cls, tokens: list[str]) -> list[list[str]]:
        out: list[list[str]] = []
        start = 0
        while start < len(tokens):
            counts: dict[str, int] = {}
            end = start
            while end < len(tokens) and end - start < cls.MAX_POSITIONS:
                n = counts.get(tokens[end], 0) + 1
                if n > cls.MAX_PER_LEXEME:
                    break
                counts[tokens[end]] = n
                end += 1
            out.append(tokens[start:end])
            if end >= len(tokens):
                break
            start = max(start + 1, end - MAX_TERM_TOKENS)
        return out

    @staticmethod
    def literal(tokens: list[str]) -> str:
        positions: dict[str, list[str]] = {}
        for i, token in enumerate(tokens, start=1):
            positions.setdefault(token, []).append(str(i))
        # Tokens are letters and digits only (tokens.py), so quoting needs no escapes.
        return " ".join(f"'{t}':{','.join(p)}" for t, p in positions.items())

    def write(self, docs, *, fresh=False, scopes=None):
        if docs and not fresh:
            self.delete(docs)
        # The cases' chunks carry their case's visibility (SCOPED); another index's do not.
        scoped = bool(scopes) and self.SCOPED
        extra = (", department_id, hidden", ", %s, %s") if scoped else ("", "")
        rows = [
            (pk, n, self.literal(chunk), *self._visibility(scopes, pk, scoped))
            for pk, tokens in docs.items()
            for n, chunk in enumerate(self.chunks(tokens))
        ]
        columns = f"{self.KEY}, chunk, tsv{extra[0]}"
        with connection.cursor() as cursor:
            if scoped:  # a case whose document is kept (archived): its visibility alone
                cursor.executemany(
                    f"UPDATE {self.TABLE} SET department_id = %s, hidden = %s "
                    f"WHERE {self.KEY} = %s",
                    [(v.department_id, v.hidden, pk) for pk, v in scopes.items() if pk not in docs],
                )
            if fresh:  # a rebuild: COPY, the tsvector parsed from its text by the server
                with cursor.cursor.copy(f"COPY {self.TABLE} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            cursor.executemany(
                f"INSERT INTO {self.TABLE} ({columns}) VALUES (%s, %s, %s::tsvector{extra[1]})",
                rows,
            )

    @staticmethod
    def _visibility(scopes: dict[int, Visibility] | None, pk: int, scoped: bool) -> tuple:
        if not scoped:
            return ()
        v = scopes[pk]  # type: ignore[index]
        return (v.department_id, v.hidden)

    def delete(self, case_ids: Iterable[int]) -> None:
        ids = [int(pk) for pk in case_ids]
        if ids:
            _run(f"DELETE FROM {self.TABLE} WHERE {self.KEY} = ANY(%s)", [ids])

    def clear(self) -> None:
        _run(f"TRUNCATE {self.TABLE}")

    # A GIN index is built far faster at once than row by row: a rebuild drops it first.
    def rebuild_begin(self) -> None:
        _run(f"DROP INDEX IF EXISTS {self.INDEX}")

    def rebuild_end(self) -> None:
        _run(f"CREATE INDEX IF NOT EXISTS {self.INDEX} ON {self.TABLE} USING gin (tsv)")
        # Fresh statistics, or the planner takes a frequent term for a rare one and sorts
        # every match for the newest page instead of walking the key backwards.
        _run(f"ANALYZE {self.TABLE}")

    def existing(self, case_ids: Sequence[int]) -> set[int]:
        if not case_ids:
            return set()
        rows = _run(
            f"SELECT DISTINCT {self.KEY} FROM {self.TABLE} WHERE {self.KEY} = ANY(%s)",
            [list(case_ids)],
        )
        return {r[0] for r in rows}

    def count(self) -> int:
        return _run(f"SELECT count(DISTINCT {self.KEY}) FROM {self.TABLE}")[0][0]

    def size_bytes(self) -> int | None:
        return _run(f"SELECT pg_total_relation_size('{self.TABLE}')")[0][0]

    @staticmethod
    def expression(query: Query) -> str:
        phrases = []
        for term in query.terms:
            parts = [f"'{t.text}'" + (":*" if t.prefix else "") for t in term]
            phrases.append("(" + " <-> ".join(parts) + ")")
        return " & ".join(phrases)

    def matching(self, query: Query) -> tuple[str, list[Any]]:
        return (
            f"SELECT DISTINCT {self.KEY} AS case_id FROM {self.TABLE} WHERE tsv @@ %s::tsquery",
            [self.expression(query)],
        )

    PROBE = 5_000  # chunk rows per slice of the newest-first walk (at least)
    SLICES = 4  # slices walked at most before the GIN index is asked
    # A ranked window (2,000 cases) walks on while that reads fewer rows than the GIN
    # index would, a GIN-read match costing GIN_COST walked rows (200k cases, 2026-12-06:
    # a 10,000-row slice 8 ms; the GIN read of `退`:* for sales 159 ms for 47,000 matches),
    # at most WINDOW_SLICES slices.
    GIN_COST = 4
    WINDOW_SLICES = 32

    def _scoped(self, scope: Scope | None, row: str, doc: str) -> tuple[str, list[Any]]:
        """The scope's conditions on a chunk row `row` (its visibility columns) and the case
        `doc` (the EXISTS of its filters)."""
        if scope is None:
            return "TRUE", []
        where, params = scope.index_checks(f"{row}.")
        if where and not self.SCOPED:
            raise ValueError("this index keeps no visibility")
        if scope.where:
            where.append("EXISTS (" + scope.where[0].replace("{doc}", doc) + ")")
            params += scope.where[1]
        return " AND ".join(where) or "TRUE", params

    def _newest(
        self,
        scope: Scope | None,
        expression: str,
        limit: int,
        after: int | None,
        ranks: dict[int, float] | None = None,
    ) -> list[int]:
        """Ids of the newest `limit` matching cases the scope allows, below `after`.

        The planner cannot be trusted to choose between walking the key backwards and
        reading the GIN index: it multiplies the frequencies of a phrase's bigrams, so a
        common phrase looks rare (and all its matches are read and sorted), and without
        fresh statistics a common term does too. So: walk the primary key backwards a
        slice of chunk rows at a time, each checked (bounded work; a frequent term is done
        in the first slice), while the hits so far promise the rest within a few slices;
        else take the rest from the GIN index, sorted (the term is rare by then). A case
        of several chunks comes once per matching chunk: deduped. `ranks`, when given, gets
        each found case's `ts_rank`, computed on the chunk rows as they are checked (the
        best of its matching chunks read), so the ranked window reads no tsvector twice."""
        size = max(self.PROBE, 5 * limit)  # a rank window of 2,000: 10,000 rows
        key, table = self.KEY, self.TABLE
        exists, scope_params = self._scoped(scope, "t", "t.doc")
        shown = ", s.department_id, s.hidden" if self.SCOPED else ""
        rank, rank_params = (
            (", CASE WHEN m.visible THEN ts_rank(m.tsv, %s::tsquery) END", [expression])
            if ranks is not None
            else ("", [])
        )
        found: list[int] = []
        # `<=` from the second slice on: a slice may stop inside a case's chunks.
        upto = None if after is None else after - 1
        rows_in_table: float | None = None
        for _ in range(self.WINDOW_SLICES if ranks is not None else self.SLICES):
            upper = "" if upto is None else f"WHERE s.{key} <= %s "
            bound = [] if upto is None else [upto]
            slice_sql = (
                f"SELECT s.{key} AS doc, s.chunk, s.tsv{shown} FROM {table} AS s {upper}"
                f"ORDER BY s.{key} DESC, s.chunk DESC LIMIT %s"
            )
            before = len(found)
            if ranks is None:  # a page: the scope first (a cheap check), then the text
                matched = _run(
                    f"SELECT t.doc, TRUE FROM ({slice_sql}) AS t WHERE t.tsv @@ %s::tsquery "
                    f"AND {exists} ORDER BY t.doc DESC, t.chunk DESC",
                    [*bound, size, expression, *scope_params],
                )
            else:
                # A window: every match of the slice, whether the scope allows it last
                # (the share of the table the GIN index would read for the term, below).
                # (OFFSET 0: not flattened, so `visible` is computed once a row.)
                matched = _run(
                    f"SELECT m.doc{rank}, m.visible FROM (SELECT t.doc, t.chunk, t.tsv, "
                    f"{exists} AS visible FROM ({slice_sql}) AS t "
                    "WHERE t.tsv @@ %s::tsquery OFFSET 0) AS m ORDER BY m.doc DESC, m.chunk DESC",
                    [*rank_params, *scope_params, *bound, size, expression],
                )
            _add_new(found, [row[:-1] for row in matched if row[-1]], ranks)
            if len(found) >= limit:
                return found[:limit]
            # The slice's last row, read from the key alone (not the rows).
            last = _run(
                f"SELECT s.{key} FROM {table} AS s {upper}"
                f"ORDER BY s.{key} DESC, s.chunk DESC LIMIT 1 OFFSET %s",
                [*bound, size - 1],
            )
            if not last:  # the table ends in this slice
                return found
            upto, hits = last[0][0], len(found) - before
            if hits == 0:
                break
            if ranks is not None:
                # The GIN index reads every match of the term (this slice's share of the
                # table, in the scope or not), the walk `size` rows a slice until the
                # window is full.
                if rows_in_table is None:
                    rows_in_table = float(
                        _run("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])[0][
                            0
                        ]
                    )
                walk = (limit - len(found)) / hits * size
                gin = len(matched) / size * rows_in_table
                if rows_in_table <= 0 or walk > self.GIN_COST * gin:
                    break
            elif limit - len(found) > 2 * hits:
                break  # more than two more slices to go: the GIN index is cheaper
        # (`upto` is set once a slice has been walked: the bound only satisfies the types.)
        return self._rest_from_gin(
            scope, expression, found, limit, 2**63 - 1 if upto is None else upto, ranks
        )

    def _rest_from_gin(
        self,
        scope: Scope | None,
        expression: str,
        found: list[int],
        limit: int,
        upto: int,
        ranks: dict[int, float] | None = None,
    ) -> list[int]:
        """`found` completed to `limit` with the newest matches at or below `upto`, read
        from the GIN index and sorted."""
        key, table = self.KEY, self.TABLE
        exists, scope_params = self._scoped(scope, "s", f"s.{key}")
        rank, rank_params = (
            (", ts_rank(s.tsv, %s::tsquery)", [expression]) if ranks is not None else ("", [])
        )
        rest = (
            f"SELECT s.{key}{rank} FROM {table} AS s WHERE s.tsv @@ %s::tsquery "
            f"AND {exists} AND s.{key} <= %s "
            # `+ 0`: not the key's order, so the GIN index is read and the matches sorted.
            f"ORDER BY s.{key} + 0 DESC, s.chunk DESC LIMIT %s"
        )
        fetch = limit - len(found) + 8  # a little over: a case may match in two chunks
        while len(found) < limit:
            rows = _run(rest, [*rank_params, expression, *scope_params, upto, fetch])
            _add_new(found, rows, ranks)
            if len(rows) < fetch:
                break
            upto = rows[-1][0] - 1  # that case is in `found`; its other chunks add nothing
            fetch *= 4
        return found[:limit]

    def _ranked_window(
        self, scope: Scope | None, expression: str, window: int, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """The window's cases found as the newest page is, each one's `ts_rank` computed on
        its chunk rows as the walk checks them (until 2026-12-06 a second statement read
        each case's chunks again by key for it: every tsvector of the window read twice).
        A case of several chunks gets the best rank of the chunks the walk read (it may
        stop inside the last case's chunks: rare, texts beyond 16,383 positions)."""
        ranks: dict[int, float] = {}
        ids = self._newest(scope, expression, window, None, ranks)
        ranked = sorted(ids, key=lambda pk: (-ranks[pk], -pk))
        return [(pk, ranks[pk]) for pk in ranked[offset : offset + limit]]

    def page(self, query, *, scope, order, limit, after=None, offset=0, window=None):
        expression = self.expression(query)
        scope = Scope.of(scope)
        if order == RANKED:
            if window:
                return self._ranked_window(scope, expression, window, limit, offset)
            where, scope_params = self._scoped(scope, "s", f"s.{self.KEY}")
            sql = (
                f"SELECT s.{self.KEY}, max(ts_rank(s.tsv, %s::tsquery)) AS score "
                f"FROM {self.TABLE} AS s WHERE s.tsv @@ %s::tsquery AND {where} "
                f"GROUP BY s.{self.KEY} ORDER BY score DESC, s.{self.KEY} DESC "
                "LIMIT %s OFFSET %s"
            )
            rows = _run(sql, [expression, expression, *scope_params, limit, offset])
            return [(r[0], float(r[1])) for r in rows]
        return [(pk, 0.0) for pk in self._newest(scope, expression, limit, after)]


def backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
