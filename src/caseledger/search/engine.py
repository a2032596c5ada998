"""What every search engine answers (search/backends.py picks one per database): the
`Backend` calls, the two orders, and the small helpers both engines share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from caseledger.search.scope import Scope, Visibility
from caseledger.search.tokens import Query

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


def add_new(found: list[int], rows: list[tuple], ranks: dict[int, float] | None = None) -> None:
    """Append each row's id unless it repeats the last one (a case's chunks come together,
    newest first); `ranks`: each id's best rank, the row's second column."""
    for row in rows:
        pk = row[0]
        if not found or found[-1] != pk:
            found.append(pk)
        if ranks is not None:
            ranks[pk] = max(ranks.get(pk, 0.0), float(row[1]))


def run_sql(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []
