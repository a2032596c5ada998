"""Data-quality samples: list a month's samples, read one with its checks, draw the month's
samples, record a check's outcome. Each endpoint: parse, one query or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut
from caseledger.privacy import services
from caseledger.privacy.models import QualitySample
from caseledger.privacy.quality import (
    parse_month,
    quality_check_get,
    quality_checks,
    quality_sample_get,
    quality_samples,
)

router = Router(tags=["data quality"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class CheckOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    outcome: str
    note: str
    reviewer: int | None = Field(None, alias="reviewer_id")
    reviewed_at: dt.datetime | None


class SampleOut(Schema):
    id: int
    department: str
    month: str
    size: int
    population: int
    seed: str
    drawn_at: dt.datetime
    drawn_by: int | None = Field(None, alias="drawn_by_id")
    checks: list[CheckOut]


class DrawIn(Schema):
    model_config = ConfigDict(extra="forbid")

    month: str | None = Field(None, description="YYYY-MM; this month if left out")
    department: str | None = Field(None, description="a department code; all you review if out")


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(description="ok, corrected or unverifiable")
    note: str = Field("", description="required unless ok")


def _out(sample: QualitySample) -> dict[str, Any]:
    return {
        "id": sample.pk,
        "department": sample.department.code,
        "month": f"{sample.month:%Y-%m}",
        "size": sample.size,
        "population": sample.population,
        "seed": sample.seed,
        "drawn_at": sample.drawn_at,
        "drawn_by": sample.drawn_by_id,
        "checks": list(quality_checks(sample)),
    }


@router.get(
    "/quality/samples",
    response={200: list[SampleOut], **ERRORS},
    summary="A month's data-quality samples (this month if no month is given)",
)
def list_samples(request: HttpRequest, month: str | None = None) -> Any:
    user = actor(request)
    return [_out(s) for s in quality_samples(actor=user, month=parse_month(month))]


@router.get(
    "/quality/samples/{sample_id}", response={200: SampleOut, **ERRORS}, summary="One sample"
)
def get_sample(request: HttpRequest, sample_id: int) -> Any:
    return _out(quality_sample_get(actor=actor(request), sample_id=sample_id))


@router.post(
    "/quality/samples",
    response={200: list[SampleOut], **ERRORS},
    summary="Draw the month's samples (idempotent: an existing sample is returned as it is)",
)
def draw_samples(request: HttpRequest, payload: DrawIn) -> Any:
    """Needs the `customers:approve` scope and a role that may approve (supervisor for the
    departments supervised, compliance for all)."""
    from caseledger.accounts.models import Department
    from caseledger.core.errors import NotFound

    user = actor(request)
    department = None
    if payload.department:
        department = Department.objects.filter(code=payload.department).first()
        if department is None:
            raise NotFound(
                _("department %(department)r does not exist") % {"department": payload.department},
                field="department",
            )
    drawn = services.quality_sample_draw(actor=user, month=payload.month, department=department)
    return [_out(quality_sample_get(actor=user, sample_id=s.pk)) for s in drawn]


@router.post(
    "/quality/checks/{check_id}",
    response={200: CheckOut, **ERRORS},
    summary="Record what the check of one sampled record found",
)
def record_check(request: HttpRequest, check_id: int, payload: OutcomeIn) -> Any:
    """Needs the `customers:approve` scope. Recorded once; journaled."""
    user = actor(request)
    check = quality_check_get(actor=user, check_id=check_id)
    return services.quality_check_record(
        actor=user, check=check, outcome=payload.outcome, note=payload.note
    )
