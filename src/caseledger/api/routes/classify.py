"""Classification suggestions: a case's suggestions, accepting or correcting one field, and
suggestions for a case being typed. Each endpoint: parse, one query or service, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.schemas import (
    ErrorOut,
    FeedbackOut,
    SuggestionAcceptIn,
    SuggestionCorrectIn,
    SuggestionsOut,
    SuggestTextIn,
)
from caseledger.cases.queries import case_get
from caseledger.classify.models import Feedback
from caseledger.classify.queries import Suggestions, case_suggestions, text_suggestions, value_label
from caseledger.classify.services import suggestion_accept, suggestion_correct

router = Router(tags=["classify"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


def _out(found: Suggestions) -> dict[str, Any]:
    return {
        "model": {
            "id": found.model.pk,
            "trained_at": found.model.trained_at,
            "cases": found.model.cases,
            "accuracy": found.model.accuracy,
        },
        "items": [
            {
                "field": item.field,
                "current": item.current,
                "value": item.value,
                "label": value_label(item.field, item.value),
                "confidence": item.confidence,
                "differs": item.differs,
                "alternatives": [
                    {"value": v, "label": value_label(item.field, v), "confidence": p}
                    for v, p in item.alternatives
                ],
                "terms": item.terms,
            }
            for item in found.items
        ],
    }


@router.get(
    "/cases/{case_id}/suggestions",
    response={200: SuggestionsOut, **ERRORS},
    summary="Suggested category, subcategory, severity and department",
)
def get_suggestions(request: HttpRequest, case_id: str) -> dict:
    """What the organisation's classifier suggests for the case, with its confidence, the
    next best values and the terms behind it. 409 `no_model` until a model is trained."""
    user = actor(request)
    return _out(case_suggestions(actor=user, case=case_get(actor=user, case_id=case_id)))


def _feedback(feedback: Feedback) -> dict[str, Any]:
    return FeedbackOut.from_orm(feedback).model_dump(mode="json")


@router.post(
    "/cases/{case_id}/suggestions/accept",
    response={200: FeedbackOut, **ERRORS},
    summary="Accept the suggestion for one field",
    openapi_extra=idempotency.OPENAPI,
)
def accept(request: HttpRequest, case_id: str, payload: SuggestionAcceptIn) -> HttpResponse:
    """Sets the field to the suggested value and records the acceptance. With an
    `Idempotency-Key`, a retry answers the first response and records nothing new."""
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=_feedback,
        make=lambda: suggestion_accept(actor=user, case=case, field=payload.field),
        status=200,
    )


@router.post(
    "/cases/{case_id}/suggestions/correct",
    response={200: FeedbackOut, **ERRORS},
    summary="Set one field to the right value instead of the suggestion",
    openapi_extra=idempotency.OPENAPI,
)
def correct(request: HttpRequest, case_id: str, payload: SuggestionCorrectIn) -> HttpResponse:
    """Sets the field to `value` and records the correction. With an `Idempotency-Key`, a
    retry answers the first response and records nothing new."""
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=_feedback,
        make=lambda: suggestion_correct(
            actor=user, case=case, field=payload.field, value=payload.value
        ),
        status=200,
    )


@router.post(
    "/classify/suggest",
    response={200: SuggestionsOut, **ERRORS},
    summary="Suggestions for a case being typed",
)
def suggest_text(request: HttpRequest, payload: SuggestTextIn) -> dict:
    """For a new-case form: the same suggestions from a subject and description."""
    return _out(
        text_suggestions(
            actor=actor(request), subject=payload.subject, description=payload.description
        )
    )
