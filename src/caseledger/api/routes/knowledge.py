"""The knowledge base over the API: list and search articles, read one with its versions,
draft one from a resolved case (with an `Idempotency-Key`, like every create), edit it (a new version), publish it (a second person with
`cases:approve`) or send it back with a comment, retire it and restore it to a draft. Every
write journaled by its service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut
from caseledger.cases.queries import case_get
from caseledger.knowledge import queries, services
from caseledger.knowledge.models import Article, ArticleVersion

router = Router(tags=["knowledge"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class ArticleText(Schema):
    model_config = ConfigDict(extra="forbid")
    title_zh: str = ""
    problem_zh: str = ""
    cause_zh: str = ""
    answer_zh: str = ""
    title_en: str = ""
    problem_en: str = ""
    cause_en: str = ""
    answer_en: str = ""


class ArticleEdit(ArticleText):
    reason: str = ""
    version: int | None = Field(None, description="the version you edited (409 if newer)")


class RetireIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(description="what the writer should change, up to 1000 characters")


class VersionOut(ArticleText):
    number: int
    edited_by: str
    edited_at: dt.datetime
    reason: str


class ArticleOut(Schema):
    id: int
    status: str
    category: str
    department: str
    source_case: str | None
    version: int = Field(description="the newest version's number")
    published_version: int | None
    returned_comment: str | None = Field(
        None, description="the reviewer's comment while the newest version is sent back"
    )
    text: VersionOut = Field(description="published version for readers, newest for editors")
    versions: list[VersionOut] | None = Field(None, description="for editors and reviewers")


def _version(v: ArticleVersion) -> dict[str, Any]:
    return {
        **v.text(),
        "number": v.number,
        "edited_by": v.edited_by.username,
        "edited_at": v.edited_at,
        "reason": v.reason,
    }


def _out(user, article: Article, *, with_versions: bool = False) -> dict[str, Any]:
    editor = queries.may_edit(user, article) or queries.may_publish(user, article)
    return {
        "id": article.pk,
        "status": article.status,
        "category": article.category,
        "department": article.department.code,
        "source_case": article.source_case.reference if article.source_case else None,
        "version": article.version,
        "published_version": article.published_version,
        "returned_comment": article.returned_comment if article.sent_back and editor else None,
        "text": _version(queries.shown_version(user, article)),
        "versions": [_version(v) for v in queries.versions(article)]
        if with_versions and editor
        else None,
    }


def _step(
    request: HttpRequest, article_id: str, service: Callable[..., Article], **fields: Any
) -> Any:
    """One write on one article: the token's user is the actor, the article is looked up as
    that user may see it, `service(actor=, article=, **fields)` writes and journals, and the
    answer is the article with its versions."""
    user = actor(request)
    article = queries.article_get(actor=user, article_id=article_id)
    return _out(user, service(actor=user, article=article, **fields), with_versions=True)


@router.get(
    "/articles",
    response={200: list[ArticleOut], **ERRORS},
    description="Articles you may read, newest change first; with `q`, the published ones "
    "whose text holds every term (the search's query language), best match first. "
    "`status`: draft, published or retired. `limit` 1-100. Needs `cases:read`.",
)
def list_articles(request: HttpRequest, q: str = "", status: str = "", limit: int = 25) -> Any:
    user = actor(request)
    limit = max(1, min(limit, 100))
    if q.strip():
        return [
            _out(user, hit.article) for hit in queries.article_search(actor=user, q=q, limit=limit)
        ]
    rows = queries.article_list(actor=user, status=status or None)[:limit]
    return [_out(user, a) for a in rows]


@router.get("/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def get_article(request: HttpRequest, article_id: str) -> Any:
    user = actor(request)
    return _out(user, queries.article_get(actor=user, article_id=article_id), with_versions=True)


@router.post(
    "/cases/{case_id}/articles",
    response={201: ArticleOut, **ERRORS},
    description="Draft an article from a resolved case you may work on (`cases:write`). "
    "At least a title and an answer in one language. Journaled.",
    openapi_extra=idempotency.OPENAPI,
)
def draft_article(request: HttpRequest, case_id: str, payload: ArticleText) -> HttpResponse:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    data = payload.model_dump()
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=lambda article: idempotency.body_of(
            ArticleOut, _out(user, article, with_versions=True)
        ),
        make=lambda: services.article_draft(actor=user, case=case, data=data),
    )


@router.put(
    "/articles/{article_id}",
    response={200: ArticleOut, **ERRORS},
    description="Replace the text: a new version awaiting review (`cases:write`). Journaled.",
)
def edit_article(request: HttpRequest, article_id: str, payload: ArticleEdit) -> Any:
    return _step(
        request,
        article_id,
        services.article_edit,
        data=payload.model_dump(exclude={"reason", "version"}),
        reason=payload.reason,
        expected_version=payload.version,
    )


@router.post(
    "/articles/{article_id}/publish",
    response={200: ArticleOut, **ERRORS},
    description="Publish the newest version: someone else than its writer, with "
    "`cases:approve` in the article's department. Journaled.",
)
def publish_article(request: HttpRequest, article_id: str) -> Any:
    return _step(request, article_id, services.article_publish)


@router.post(
    "/articles/{article_id}/retire",
    response={200: ArticleOut, **ERRORS},
    description="Retire an article (`cases:approve`), with a reason. Journaled.",
)
def retire_article(request: HttpRequest, article_id: str, payload: RetireIn) -> Any:
    return _step(request, article_id, services.article_retire, reason=payload.reason)


@router.post(
    "/articles/{article_id}/return",
    response={200: ArticleOut, **ERRORS},
    description="Send the version awaiting review back to its writer with a `comment` "
    "(someone else than its writer, with `cases:approve`). Journaled.",
)
def return_article(request: HttpRequest, article_id: str, payload: ReturnIn) -> Any:
    return _step(request, article_id, services.article_return, comment=payload.comment)


@router.post(
    "/articles/{article_id}/restore",
    response={200: ArticleOut, **ERRORS},
    description="Restore a retired article to a draft awaiting review (`cases:approve`), "
    "with a reason. Journaled.",
)
def restore_article(request: HttpRequest, article_id: str, payload: RetireIn) -> Any:
    return _step(request, article_id, services.article_restore, reason=payload.reason)
