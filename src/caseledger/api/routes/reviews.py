"""Review reports (复盘) over the API: the reports you may read, listed newest period first,
one with its frozen figures, its PDF and its HTML; and your own subscriptions to them (the
reports e-mailed to you, PDF attached, in your notification language). Token scope
`insights:read` throughout; who may read which department's reports is the service's rule
(insights.view there; the organisation's only for those who see every department)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.pagination import paginate
from caseledger.api.schemas import ErrorOut
from caseledger.insights import review
from caseledger.insights.capa_queries import review_get, review_list
from caseledger.insights.models import ReviewReport, ReviewSubscription
from caseledger.insights.subscriptions import (
    my_review_subscriptions,
    review_subscribe,
    review_subscription_remove,
)

router = Router(tags=["insights"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
SCOPE = "Needs `insights:read`."


class ReviewOut(Schema):
    id: int
    period: str = Field(description="2026-11 (a month) or 2026-Q4 (a quarter)")
    period_kind: str = Field(description="month or quarter")
    department: str | None = Field(description="its code; null: the whole organisation")
    generated_at: dt.datetime
    generated_by: str | None = Field(description="null: the worker or the command line")
    signed_by: str | None
    signed_at: dt.datetime | None
    pdf_size: int
    pdf_sha256: str


class ReviewDetailOut(ReviewOut):
    conclusion: str
    figures: dict[str, Any] = Field(description="as frozen when the report was generated")


class ReviewPage(Schema):
    items: list[ReviewOut]
    next_cursor: str | None


class ReviewQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class SubscriptionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    department: str | None = Field(
        None, max_length=40, description="code or id; null or absent: the whole organisation"
    )


class SubscriptionOut(Schema):
    id: int
    department: str | None = Field(description="its code; null: the whole organisation")
    department_name: str | None
    created_at: dt.datetime


def _user(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _report(r: ReviewReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "period": review.period_label(r.period_kind, r.period_start),
        "period_kind": r.period_kind,
        "department": r.department.code if r.department else None,
        "generated_at": r.generated_at,
        "generated_by": _user(r.generated_by),
        "signed_by": _user(r.signed_by),
        "signed_at": r.signed_at,
        "pdf_size": r.pdf_size,
        "pdf_sha256": r.pdf_sha256,
    }


def _subscription(s: ReviewSubscription) -> dict[str, Any]:
    return {
        "id": s.pk,
        "department": s.department.code if s.department else None,
        "department_name": s.department.name if s.department else None,
        "created_at": s.created_at,
    }


@router.get(
    "/insights/reviews",
    response={200: ReviewPage, **ERRORS},
    summary="Review reports you may read",
    description="Newest period first; supervisors see their departments' reports, compliance "
    "and auditors every one, the organisation's included. " + SCOPE,
)
def list_reviews(request: HttpRequest, params: Query[ReviewQuery]) -> Any:
    qs = review_list(actor=actor(request)).order_by("-period_start", "-id")
    page = paginate(qs, cursor=params.cursor, limit=params.limit)
    return {"items": [_report(r) for r in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/insights/reviews/{report_id}",
    response={200: ReviewDetailOut, **ERRORS},
    summary="One review report with its figures and conclusion",
    description=SCOPE,
)
def get_review(request: HttpRequest, report_id: str) -> Any:
    r = review_get(actor=actor(request), pk=report_id)
    return {**_report(r), "conclusion": r.conclusion, "figures": r.figures}


@router.get(
    "/insights/reviews/{report_id}/pdf",
    response={200: None, **ERRORS},
    summary="Download a review report as PDF",
    description=SCOPE,
)
def review_pdf(request: HttpRequest, report_id: str) -> FileResponse:
    r = review_get(actor=actor(request), pk=report_id)
    response = FileResponse(
        review.stored_pdf(r).open("rb"),
        as_attachment=True,
        filename=review.file_name(r),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{r.pdf_sha256}"'
    return response


@router.get(
    "/insights/reviews/{report_id}/html",
    response={200: None, **ERRORS},
    summary="Download a review report as HTML",
    description="The stored HTML (charts inline as SVG), as an attachment. " + SCOPE,
)
def review_html(request: HttpRequest, report_id: str) -> HttpResponse:
    r = review_get(actor=actor(request), pk=report_id)
    response = HttpResponse(r.html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{review.file_name(r, "html")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/insights/review-subscriptions",
    response={200: list[SubscriptionOut], **ERRORS},
    summary="Your review-report subscriptions",
    description="The departments (and the organisation) whose review reports are e-mailed "
    "to you, PDF attached, in your notification language (PUT /notifications/preferences). "
    + SCOPE,
)
def list_subscriptions(request: HttpRequest) -> Any:
    subs = my_review_subscriptions(actor=actor(request)).order_by("created_at", "id")
    return [_subscription(s) for s in subs]


@router.post(
    "/insights/review-subscriptions",
    response={201: SubscriptionOut, **ERRORS},
    summary="Subscribe to the review reports of a department or the organisation",
    description="Only where you may read those reports (the organisation's: only with every "
    "department). Subscribing again where you already are returns that subscription and "
    "changes nothing. Journaled. " + SCOPE,
    openapi_extra=idempotency.OPENAPI,
)
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> HttpResponse:
    user = actor(request)
    department = (payload.department or "").strip() or None
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=lambda sub: idempotency.body_of(SubscriptionOut, _subscription(sub)),
        make=lambda: review_subscribe(actor=user, department=department),
    )


@router.delete(
    "/insights/review-subscriptions/{subscription_id}",
    response={204: None, **ERRORS},
    summary="Stop one of your review-report subscriptions",
    description="Anyone may stop their own; someone else's is not found. Journaled. " + SCOPE,
)
def delete_subscription(request: HttpRequest, subscription_id: str) -> Any:
    review_subscription_remove(actor=actor(request), subscription_id=subscription_id)
    return Status(204, None)
