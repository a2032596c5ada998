"""Full-text search over cases: the web's query language, the case list's scope, a cursor."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict

from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.schemas import CaseOut, ErrorOut, InDate, QueryId
from caseledger.cases.models import Channel, Status
from caseledger.search.models import SavedSearch
from caseledger.search.queries import search
from caseledger.search.services import saved_search_create, saved_search_delete

router = Router(tags=["search"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
ClockFilter = Literal["soon", "breached", "paused", "met", "ok"]


class SearchQuery(Schema):
    q: str = Field(
        description="terms separated by spaces, all required; any Chinese characters, "
        'words from their start, numbers, references; "quotes" keep a phrase together'
    )
    order: Literal["newest", "ranked"] = Field(
        "newest",
        description="newest first, or ranked: best match first among the newest "
        "CASELEDGER_SEARCH_RANK_WINDOW (2000) matches",
    )
    status: Status | None = None
    category: str | None = None
    department: QueryId | None = None
    channel: Channel | None = None
    received_from: InDate | None = Field(None, description="first day, inclusive")
    received_to: InDate | None = Field(None, description="last day, inclusive")
    clock: ClockFilter | None = Field(None, description="cases with a clock in this state")
    facets: bool = Field(
        False,
        description="also count the matches by status, category, "
        "department, channel, year and clock state",
    )
    limit: int = Field(25, ge=1, le=100)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class SnippetPart(Schema):
    text: str
    marked: bool


class SearchHit(Schema):
    case: CaseOut
    score: float = Field(description="relevance under order=ranked, else 0")
    snippet: list[SnippetPart]


class FacetValue(Schema):
    value: Any
    count: int


class SearchPage(Schema):
    items: list[SearchHit]
    next_cursor: str | None
    facets: dict[str, list[FacetValue]] | None = None


@router.get("/search", response={200: SearchPage, **ERRORS}, summary="Search cases")
def search_cases(request: HttpRequest, params: Query[SearchQuery]) -> dict:
    """Cases the caller may see whose text matches `q`, newest first or best match first.
    Pages follow `next_cursor` until it is null."""
    filters = params.model_dump(
        mode="json", exclude={"q", "order", "limit", "cursor", "facets"}, exclude_none=True
    )
    results = search(
        actor=actor(request),
        q=params.q,
        filters=filters,
        order=params.order,
        cursor=params.cursor,
        limit=params.limit,
        facets=params.facets,
    )
    return {
        "items": [
            {
                "case": hit.case,
                "score": hit.score,
                "snippet": [{"text": t, "marked": m} for t, m in hit.snippet],
            }
            for hit in results.hits
        ],
        "next_cursor": results.next_cursor,
        "facets": {
            name: [{"value": v, "count": n} for v, n in values]
            for name, values in results.facets.items()
        }
        if params.facets
        else None,
    }


class SavedSearchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    q: str
    order: Literal["newest", "ranked"] = "newest"
    filters: dict[str, str] = Field(
        default_factory=dict,
        description="any of status, category, department, channel, received_from, "
        "received_to, clock",
    )


class SavedSearchOut(Schema):
    id: int
    name: str
    q: str
    order: str
    filters: dict[str, str]
    created_at: dt.datetime


def _saved(s: SavedSearch) -> dict[str, Any]:
    return {
        "id": s.pk, "name": s.name, "q": s.q, "order": s.order, "filters": s.filters,
        "created_at": s.created_at,
    }  # fmt: skip


@router.get(
    "/saved-searches",
    response={200: list[SavedSearchOut], **ERRORS},
    summary="Your saved searches",
    description="Rerun one with GET /search and its q, order and filters.",
)
def list_saved(request: HttpRequest) -> Any:
    return [_saved(s) for s in SavedSearch.objects.filter(owner=actor(request)).order_by("name")]


@router.post(
    "/saved-searches",
    response={201: SavedSearchOut, **ERRORS},
    summary="Save a search",
    description="Under a name unique to you (409 if taken). Journaled.",
    openapi_extra=idempotency.OPENAPI,
)
def create_saved(request: HttpRequest, payload: SavedSearchIn) -> HttpResponse:
    user, data = actor(request), payload.model_dump()
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=lambda saved: idempotency.body_of(SavedSearchOut, _saved(saved)),
        make=lambda: saved_search_create(actor=user, data=data),
    )


@router.delete(
    "/saved-searches/{saved_id}",
    response={204: None, **ERRORS},
    summary="Delete one of your saved searches",
)
def delete_saved(request: HttpRequest, saved_id: str) -> Any:
    saved_search_delete(actor=actor(request), saved_id=saved_id)
    return Reply(204, None)
