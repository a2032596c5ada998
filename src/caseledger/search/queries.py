"""Searching: the same scope as the case list (cases.queries.case_list: department, and
restricted records only for those who may see them), then the index, newest first or
ranked, one page at a time behind an opaque cursor."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from caseledger.accounts.models import User
from caseledger.cases.models import Case, CaseNote
from caseledger.cases.queries import case_list
from caseledger.core.access import department_ids
from caseledger.core.errors import ValidationFailed
from caseledger.core.permissions import Perm
from caseledger.holds.restriction import may_see_restricted
from caseledger.search import indexer
from caseledger.search.backends import NEWEST, RANKED, Scope, backend
from caseledger.search.tokens import Query, highlight_terms, parse
from caseledger.workflow.clocks.queries import filter_clock_state
from caseledger.workflow.models import CaseClock, ClockState

ORDERS = (NEWEST, RANKED)
FACETS = ("status", "category", "department", "channel")
# The clocks' states a search counts and filters by (workflow's stored copy, read only).
CLOCK_STATES = (ClockState.SOON, ClockState.BREACHED, ClockState.PAUSED, ClockState.MET)
MAX_QUERY = 500
MAX_LIMIT = 100
SNIPPET_FIELDS = ("subject", "description", "customer_request", "resolution", "root_cause")
SNIPPET_WIDTH = 60


@dataclass(frozen=True)
class Hit:
    case: Case
    score: float
    snippet: list[tuple[str, bool]]  # (text, marked)


@dataclass(frozen=True)
class Results:
    query: str
    order: str
    hits: list[Hit]
    next_cursor: str | None
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)


def rank_window() -> int | None:
    """How many of the newest matches "best match" ranks (None: all)."""
    return settings.SEARCH_RANK_WINDOW if settings.SEARCH_RANK_WINDOW > 0 else None


def parse_query(q: str | None) -> Query:
    text = (q or "").strip()
    if len(text) > MAX_QUERY:
        raise ValidationFailed(
            _("The search is too long (at most %(n)d characters).") % {"n": MAX_QUERY},
            field="q",
            code="too_long",
        )
    query = parse(text)
    if not query:
        raise ValidationFailed(
            _("Enter a word, a number or Chinese characters to search for."),
            field="q",
            code="required",
        )
    return query


def _cursor(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _read_cursor(cursor: str | None, order: str) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if data.get("o") != order or not isinstance(data.get("k"), int) or data["k"] < 0:
            raise ValueError
    except (ValueError, TypeError, AttributeError):
        raise ValidationFailed(
            _("This page link is not valid for this search; start the search again."),
            field="cursor",
            code="invalid",
        ) from None
    return data


def scoped(actor: User, filters: dict[str, Any] | None) -> QuerySet[Case]:
    """The cases the actor may see under the list's filters (its `q` is ours to answer),
    and with a clock in the state `clock` names, if it names one."""
    filters = dict(filters or {})
    state = filters.pop("clock", None)
    qs = case_list(actor=actor, filters={k: v for k, v in filters.items() if k != "q"})
    if state in (None, ""):
        return qs
    if state not in ClockState.values:
        raise ValidationFailed(
            _("Choose a clock state from the list."), field="clock", code="invalid_choice"
        )
    return filter_clock_state(qs, state)


def engine_scope(actor: User, filters: dict[str, Any] | None, qs: QuerySet[Case]) -> Scope | None:
    """What the engine checks per match for `qs` (= scoped(actor, filters)): the actor's
    departments and whether restricted cases are hidden, both kept in the index (so the
    case table is not read per match); a filter besides `q` adds the correlated EXISTS
    over `qs`. None: nothing to check (someone who sees every case, no filter)."""
    filtered = any(v not in (None, "") for k, v in (filters or {}).items() if k != "q")
    allowed = department_ids(actor, Perm.CASE_VIEW)
    return Scope.of(
        Scope(
            departments=None if allowed is None else frozenset(allowed),
            restricted=may_see_restricted(actor),
            where=_scope_sql(qs) if filtered else None,
        )
    )


def _scope_sql(qs: QuerySet[Case]) -> tuple[str, list[Any]] | None:
    """SQL selecting the case `{doc}` if `qs` holds it (a correlated EXISTS for the engine),
    or None when `qs` is every case (someone who sees all, no filter): the index holds
    only cases that exist (an erasure drops their documents in its transaction), so each
    match would be checked against the case table for nothing, 2,000 times for a ranked
    window. A match whose case is gone all the same is left out of the page below."""
    if not qs.query.where:
        return None
    inner = qs.order_by().filter(pk=RawSQL("{doc}", [])).values("pk")
    sql, params = inner.query.sql_with_params()
    return sql, list(params)


def matching_ids(qs: QuerySet[Case], query: Query) -> QuerySet[Case]:
    sql, params = backend().matching(query)
    return qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611 (fixed SQL, values as params)


def text_filter(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    """A case list's `q` answered by the index: the cases among `qs` whose text matches
    (none when `q` holds nothing to search for)."""
    query = parse(q)
    if not query:
        return qs.none()
    indexer.follow_if_close()
    return matching_ids(qs, query)


def search(
    *,
    actor: User,
    q: str | None,
    filters: dict[str, Any] | None = None,
    order: str = NEWEST,
    cursor: str | None = None,
    limit: int = 25,
    facets: bool = False,
) -> Results:
    query = parse_query(q)
    if order not in ORDERS:
        raise ValidationFailed(
            _("Order by “newest” or “ranked”."), field="order", code="invalid_choice"
        )
    limit = max(1, min(int(limit), MAX_LIMIT))
    position = _read_cursor(cursor, order)
    qs = scoped(actor, filters)
    indexer.follow_if_close()
    key = position.get("k")
    scope = engine_scope(actor, filters, qs)
    rows = backend().page(
        query,
        scope=scope,
        order=order,
        limit=limit + 1,
        after=key if order == NEWEST else None,
        offset=(key or 0) if order == RANKED else 0,
        window=rank_window() if order == RANKED else None,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    # The engine applied the scope; a limited person's page is read through `qs` all the
    # same, so a case moved out of their departments or restricted since the index last
    # caught up is left out (the index is never trusted to hide a case).
    cases = _page_cases([pk for pk, _score in rows], None if scope is None else qs)
    hits = [Hit(case=cases[pk], score=score, snippet=[]) for pk, score in rows if pk in cases]
    hits = _with_snippets(hits, q or "")
    next_cursor = None
    if more and rows:
        next_key = rows[-1][0] if order == NEWEST else (key or 0) + limit
        next_cursor = _cursor({"o": order, "k": next_key})
    return Results(
        query=q or "",
        order=order,
        hits=hits,
        next_cursor=next_cursor,
        facets=facet_counts(qs, query) if facets else {},
    )


# What the interfaces show of a hit's department, assignee and customer (the results page,
# the API's CaseOut and CustomerRef): only these columns of those rows are read, for the
# rest costs more to convert than the page's query takes (a user row's dates, a customer's
# many fields). Any other is still there when asked for, read on first use.
_RELATED = (
    "department__name",
    "department__code",
    "assignee__username",
    "customer__kind",
    "customer__name",
)


def _page_cases(ids: list[int], qs: QuerySet[Case] | None = None) -> dict[int, Case]:
    own = [f.name for f in Case._meta.concrete_fields]
    base = Case.objects if qs is None else qs.order_by()
    return (
        base.select_related("department", "assignee", "customer").only(*own, *_RELATED).in_bulk(ids)
    )


def facet_counts(qs: QuerySet[Case], query: Query) -> dict[str, list[tuple[Any, int]]]:
    found = matching_ids(qs, query)
    out: dict[str, list[tuple[Any, int]]] = {}
    for name in FACETS:
        column = f"{name}_id" if name == "department" else name
        counts = found.order_by().values(column).annotate(n=Count("pk")).order_by("-n", column)
        out[name] = [(row[column], row["n"]) for row in counts[:20]]
    years = (
        found.order_by()
        .annotate(year=ExtractYear("received_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    out["year"] = [(row["year"], row["n"]) for row in years[:20]]
    out["clock"] = clock_counts(found)
    return out


def clock_counts(found: QuerySet[Case]) -> list[tuple[Any, int]]:
    """How many of the found cases have a clock due soon, breached, paused or met (a case
    with two clocks may count under two states)."""
    counts = dict(
        CaseClock.objects.filter(case_id__in=found.order_by().values("pk"), state__in=CLOCK_STATES)
        .values("state")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("state", "n")
    )
    return [(state.value, counts[state]) for state in CLOCK_STATES if counts.get(state)]


def snippet(text: str, pieces: list[str]) -> list[tuple[str, bool]]:
    """The part of `text` around the first piece found, with every piece marked."""
    if not pieces or not text:
        return []
    pattern = re.compile("|".join(re.escape(p) for p in pieces), re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return []
    start = max(0, first.start() - SNIPPET_WIDTH // 2)
    end = min(len(text), first.end() + SNIPPET_WIDTH)
    window = text[start:end]
    out: list[tuple[str, bool]] = [("…", False)] if start else []
    at = 0
    for match in pattern.finditer(window):
        if match.start() > at:
            out.append((window[at : match.start()], False))
        out.append((match.group(0), True))
        at = match.end()
    if at < len(window):
        out.append((window[at:], False))
    if end < len(text):
        out.append(("…", False))
    return out


def _with_snippets(hits: list[Hit], q: str) -> list[Hit]:
    pieces = highlight_terms(q)
    notes: dict[int, list[str]] = {}
    for case_id, body in CaseNote.objects.filter(case_id__in=[h.case.pk for h in hits]).values_list(
        "case_id", "body"
    ):
        notes.setdefault(case_id, []).append(body)
    fields = [name for name in SNIPPET_FIELDS if indexer.indexed(f"case.{name}")]
    if not indexer.indexed("case_note.body"):
        notes = {}
    out = []
    for hit in hits:
        texts = [getattr(hit.case, name) for name in fields] + notes.get(hit.case.pk, [])
        found: list[tuple[str, bool]] = []
        for text in texts:
            found = snippet(text, pieces)
            if found:
                break
        out.append(Hit(case=hit.case, score=hit.score, snippet=found))
    return out
