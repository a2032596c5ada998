"""The PostgreSQL engine: GIN-indexed tsvector chunks of each case's tokens, walked newest
first (docs/adr/0008-search-index.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from caseledger.search.engine import RANKED, Backend, add_new, run_sql
from caseledger.search.scope import Scope, Visibility
from caseledger.search.tokens import MAX_TERM_TOKENS, Query


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
            run_sql(f"DELETE FROM {self.TABLE} WHERE {self.KEY} = ANY(%s)", [ids])

    def clear(self) -> None:
        run_sql(f"TRUNCATE {self.TABLE}")

    # A GIN index is built far faster at once than row by row: a rebuild drops it first.
    def rebuild_begin(self) -> None:
        run_sql(f"DROP INDEX IF EXISTS {self.INDEX}")

    def rebuild_end(self) -> None:
        run_sql(f"CREATE INDEX IF NOT EXISTS {self.INDEX} ON {self.TABLE} USING gin (tsv)")
        # Fresh statistics, or the planner takes a frequent term for a rare one and sorts
        # every match for the newest page instead of walking the key backwards.
        run_sql(f"ANALYZE {self.TABLE}")

    def existing(self, case_ids: Sequence[int]) -> set[int]:
        if not case_ids:
            return set()
        rows = run_sql(
            f"SELECT DISTINCT {self.KEY} FROM {self.TABLE} WHERE {self.KEY} = ANY(%s)",
            [list(case_ids)],
        )
        return {r[0] for r in rows}

    def count(self) -> int:
        return run_sql(f"SELECT count(DISTINCT {self.KEY}) FROM {self.TABLE}")[0][0]

    def size_bytes(self) -> int | None:
        return run_sql(f"SELECT pg_total_relation_size('{self.TABLE}')")[0][0]

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
        """Ids of the newest `limit` matching cases the scope allows, below `after`. Long
        because the walk's slices, their two forms (a page, a ranked window) and the switch
        to the GIN index share one set of bounds and counters.

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
                matched = run_sql(
                    f"SELECT t.doc, TRUE FROM ({slice_sql}) AS t WHERE t.tsv @@ %s::tsquery "
                    f"AND {exists} ORDER BY t.doc DESC, t.chunk DESC",
                    [*bound, size, expression, *scope_params],
                )
            else:
                # A window: every match of the slice, whether the scope allows it last
                # (the share of the table the GIN index would read for the term, below).
                # (OFFSET 0: not flattened, so `visible` is computed once a row.)
                matched = run_sql(
                    f"SELECT m.doc{rank}, m.visible FROM (SELECT t.doc, t.chunk, t.tsv, "
                    f"{exists} AS visible FROM ({slice_sql}) AS t "
                    "WHERE t.tsv @@ %s::tsquery OFFSET 0) AS m ORDER BY m.doc DESC, m.chunk DESC",
                    [*rank_params, *scope_params, *bound, size, expression],
                )
            add_new(found, [row[:-1] for row in matched if row[-1]], ranks)
            if len(found) >= limit:
                return found[:limit]
            # The slice's last row, read from the key alone (not the rows).
            last = run_sql(
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
                        run_sql("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])[
                            0
                        ][0]
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
            rows = run_sql(rest, [*rank_params, expression, *scope_params, upto, fetch])
            add_new(found, rows, ranks)
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
            rows = run_sql(sql, [expression, expression, *scope_params, limit, offset])
            return [(r[0], float(r[1])) for r in rows]
        return [(pk, 0.0) for pk in self._newest(scope, expression, limit, after)]
