"""What the cases' index keeps to scope a search (a case's `Visibility`) and what a search
asks of it (a `Scope`), so that the engine checks who may see a match in the index itself
rather than in the case table (docs/adr/0008-search-index.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Visibility:
    """What the cases' index keeps of a case to scope a search without reading the case
    table: its department, and whether it is hidden from those who may not see restricted
    records (restricted itself or through its customer: holds.restriction.hide_restricted)."""

    department_id: int | None
    hidden: bool

    def fts5(self) -> str:
        """Its one token in SQLite's FTS5 `scope` column: `·d<department>`, or `·x<department>`
        when hidden. One token in every document, so bm25()'s document length (which counts
        every column) is one more for all of them alike. "·" starts no token a query makes
        (tokens.py keeps letters and digits only), so no search can match it."""
        return f"·{'x' if self.hidden else 'd'}{self.department_id or 0}"


@dataclass(frozen=True)
class Scope:
    """The cases a search may return, checked in the index: `departments` (None: every
    one), restricted cases or not, and `where`, SQL selecting 1 when the case whose id is
    the placeholder `{doc}` may be seen (a correlated EXISTS over the case table, for the
    filters the index does not keep)."""

    departments: frozenset[int] | None = None
    restricted: bool = True
    where: tuple[str, list[Any]] | None = None

    @classmethod
    def of(cls, scope: Scope | tuple[str, list[Any]] | None) -> Scope | None:
        """None when nothing is to be checked; a bare SQL pair is a `where`."""
        if scope is not None and not isinstance(scope, Scope):
            scope = cls(where=(scope[0], list(scope[1])))
        if scope is None or (scope.departments is None and scope.restricted and not scope.where):
            return None
        return scope

    def fts5(self, kept: bool) -> str:
        """What SQLite appends to `(query)` for the departments and restriction, as tokens
        of the FTS5 table's `scope` column (Visibility.fts5; "" when the scope limits
        neither; `kept`: the index has that column)."""
        if self.departments is None and self.restricted:
            return ""
        if not kept:
            raise ValueError("this index keeps no visibility")
        if self.departments is None:
            return ' NOT "·x" *'
        kinds = "dx" if self.restricted else "d"
        # No department: a token no document has, so nothing is found.
        names = [f'"·{k}{d}"' for d in sorted(self.departments) for k in kinds] or ['"·none"']
        return f" AND ({' OR '.join(names)})"

    def index_checks(self, prefix: str) -> tuple[list[str], list[Any]]:
        """Conditions on the columns `{prefix}department_id` and `{prefix}hidden`."""
        out: list[str] = []
        params: list[Any] = []
        if self.departments is not None:
            if not self.departments:
                return ["1 = 0"], []
            out.append(f"{prefix}department_id IN ({', '.join(['%s'] * len(self.departments))})")
            params += sorted(self.departments)
        if not self.restricted:
            out.append(f"{prefix}hidden = %s")
            params.append(False)
        return out, params
