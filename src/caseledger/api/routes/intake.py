"""One complaint with its requester in one request (intake.services.intake_record)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.schemas import CaseOut, ErrorOut, IntakeIn, IntakeOut
from caseledger.intake.services import Recorded, intake_record

router = Router(tags=["intake"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


def _recorded(done: Recorded) -> dict:
    return {
        "case": CaseOut.from_orm(done.case).model_dump(mode="json"),
        "customer": {
            "id": done.customer.pk,
            "created": done.customer_created,
            "probable_duplicates": list(done.probable_duplicates),
            "name_differs": done.name_differs,
        },
    }


@router.post(
    "/intake",
    response={201: IntakeOut, **ERRORS},
    summary="Record a complaint with its requester",
    openapi_extra=idempotency.OPENAPI,
)
def intake(request: HttpRequest, payload: IntakeIn) -> HttpResponse:
    """The customer is found by a phone or e-mail address among the department's customers,
    or created; then the case is recorded for them. Both, or neither: a refusal names every
    problem (fields prefixed `customer.` and `case.`). Needs `cases:write` and
    `customers:write` (`customers:read` when the requester is always known)."""
    data = payload.model_dump(mode="json", exclude_unset=True)
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=_recorded,
        make=lambda: intake_record(actor=actor(request), data=data, source="api"),
    )
