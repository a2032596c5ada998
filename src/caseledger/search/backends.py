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

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from caseledger.search.tokens import MAX_TERM_TOKENS, Query

RANKED = "ranked"
NEWEST = "newest"


class Backend:
    vendor = ""

    def write(self, docs: dict[int, list[str]]) -> None:
        """Replace the documents of these cases (an empty token list removes one)."""
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
        scope: tuple[str, list[Any]],
        order: str,
        limit: int,
        after: int | None = None,
        offset: int = 0,
    ) -> list[tuple[int, float]]:
        """(case id, score) of one page. `scope` is SQL selecting 1 when the case whose id
        is the placeholder column `{doc}` may be seen (a correlated EXISTS); `after` is the
        keyset cursor of the newest order, `offset` that of the ranked one."""
        raise NotImplementedError


def _run(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


class SqliteBackend(Backend):
    """FTS5, one row per case (rowid = case id), tokens in one column."""

    vendor = "sqlite"
    TABLE = "search_fts"

    def write(self, docs: dict[int, list[str]]) -> None:
        if not docs:
            return
        self.delete(docs)
        rows = [(pk, " ".join(tokens)) for pk, tokens in docs.items() if tokens]
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.TABLE} (rowid, body) VALUES (%s, %s)", rows)

    def delete(self, case_ids: Iterable[int]) -> None:
        ids = [(int(pk),) for pk in case_ids]
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.TABLE} WHERE rowid = %s", ids)

    def clear(self) -> None:
        _run(f"DELETE FROM {self.TABLE}")

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
            phrases.append("(" + " + ".join(parts) + ")")
        return " AND ".join(phrases)

    def matching(self, query: Query) -> tuple[str, list[Any]]:
        return (
            f"SELECT rowid AS case_id FROM {self.TABLE} WHERE {self.TABLE} MATCH %s",
            [self.expression(query)],
        )

    def page(self, query, *, scope, order, limit, after=None, offset=0):
        scope_sql, scope_params = scope
        where = [f"{self.TABLE} MATCH %s", "EXISTS (" + scope_sql.replace("{doc}", "f.rowid") + ")"]
        params: list[Any] = [self.expression(query), *scope_params]
        if order == RANKED:
            sql = (
                f"SELECT f.rowid, bm25({self.TABLE}) AS score FROM {self.TABLE} AS f "
                f"WHERE {' AND '.join(where)} ORDER BY score, f.rowid DESC LIMIT %s OFFSET %s"
            )
            return [(r[0], -r[1]) for r in _run(sql, [*params, limit, offset])]
        if after is not None:
            where.append("f.rowid < %s")
            params.append(after)
        sql = (
            f"SELECT f.rowid, 0 FROM {self.TABLE} AS f WHERE {' AND '.join(where)} "
            "ORDER BY f.rowid DESC LIMIT %s"
        )
        return [(r[0], 0.0) for r in _run(sql, [*params, limit])]


class PostgresBackend(Backend):
    """A GIN-indexed tsvector per chunk of a case's tokens.

    A tsvector keeps positions only up to 16,383 and at most 256 per lexeme, and a phrase
    needs exact positions: a case's tokens are cut into chunks within both limits, each
    overlapping the previous by MAX_TERM_TOKENS, so every phrase a query can ask for lies
    whole inside one chunk."""

    vendor = "postgresql"
    TABLE = "search_chunk"
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

    def write(self, docs: dict[int, list[str]]) -> None:
        if not docs:
            return
        self.delete(docs)
        rows = [
            (pk, n, self.literal(chunk))
            for pk, tokens in docs.items()
            for n, chunk in enumerate(self.chunks(tokens))
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.TABLE} ({self.KEY}, chunk, tsv) VALUES (%s, %s, %s::tsvector)",
                rows,
            )

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

    def page(self, query, *, scope, order, limit, after=None, offset=0):
        scope_sql, scope_params = scope
        expression = self.expression(query)
        where = [
            "s.tsv @@ %s::tsquery",
            "EXISTS (" + scope_sql.replace("{doc}", f"s.{self.KEY}") + ")",
        ]
        params: list[Any] = [expression, *scope_params]
        if order == RANKED:
            sql = (
                f"SELECT s.{self.KEY}, max(ts_rank(s.tsv, %s::tsquery)) AS score "
                f"FROM {self.TABLE} AS s WHERE {' AND '.join(where)} GROUP BY s.{self.KEY} "
                f"ORDER BY score DESC, s.{self.KEY} DESC LIMIT %s OFFSET %s"
            )
            return [(r[0], float(r[1])) for r in _run(sql, [expression, *params, limit, offset])]
        if after is not None:
            where.append(f"s.{self.KEY} < %s")
            params.append(after)
        sql = (
            f"SELECT DISTINCT s.{self.KEY}, 0 FROM {self.TABLE} AS s "
            f"WHERE {' AND '.join(where)} ORDER BY s.{self.KEY} DESC LIMIT %s"
        )
        return [(r[0], 0.0) for r in _run(sql, [*params, limit])]


def backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
