"""Full-text search over cases: the web's query language, the case list's scope, a cursor."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from caseledger.api.auth import actor
from caseledger.api.schemas import CaseOut, ErrorOut
from caseledger.cases.models import Channel, Status
from caseledger.search.queries import search

router = Router(tags=["search"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 422): ErrorOut}


class SearchQuery(Schema):
    q: str = Field(
        description="terms separated by spaces, all required; any Chinese characters, "
        'words from their start, numbers, references; "quotes" keep a phrase together'
    )
    order: Literal["newest", "ranked"] = "newest"
    status: Status | None = None
    category: str | None = None
    department: int | None = None
    channel: Channel | None = None
    received_from: dt.date | None = Field(None, description="first day, inclusive")
    received_to: dt.date | None = Field(None, description="last day, inclusive")
    limit: int = Field(25, ge=1, le=100)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class SnippetPart(Schema):
    text: str
    marked: bool


class SearchHit(Schema):
    case: CaseOut
    score: float = Field(description="relevance under order=ranked, else 0")
    snippet: list[SnippetPart]


class SearchPage(Schema):
    items: list[SearchHit]
    next_cursor: str | None


@router.get("/search", response={200: SearchPage, **ERRORS}, summary="Search cases")
def search_cases(request: HttpRequest, params: Query[SearchQuery]) -> dict:
    """Cases the caller may see whose text matches `q`, newest first or best match first.
    Pages follow `next_cursor` until it is null."""
    filters = params.model_dump(
        mode="json", exclude={"q", "order", "limit", "cursor"}, exclude_none=True
    )
    results = search(
        actor=actor(request),
        q=params.q,
        filters=filters,
        order=params.order,
        cursor=params.cursor,
        limit=params.limit,
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
    }
