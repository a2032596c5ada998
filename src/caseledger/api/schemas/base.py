"""Shapes every subject uses: ids, counts, reasons, times in and out, strict input, errors.

What the schema says is what the server takes (tests/api/test_schemathesis.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
)

from caseledger.core.validate import out_of_range
from caseledger.journal.canonical import format_time

UtcTime = Annotated[dt.datetime, PlainSerializer(format_time, return_type=str)]

# The orders cases.queries.SORTS serves with an index, and the next due time (the workflow's
# CaseDue index: cases with a running clock); anything else is refused by name.
CaseSort = Literal[
    "-received", "received", "-updated", "updated", "-reference", "reference", "due", "-due"
]
ClockFilter = Literal["ok", "soon", "paused", "breached", "met"]

# What the schema says is what the server takes (tests/api/test_schemathesis.py): ids fit the
# database's 64-bit keys, a JSON `true` is not the number 1, a time is ISO 8601 text with an
# offset (never a bare number of seconds), a required reason holds more than spaces.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=1_000_000, strict=True)]
# A JSON true or false, never 0, 1 or "yes" (the fuzzer's {"is_active": 0} changed a category).
Flag = Annotated[bool, Field(strict=True)]
Reason = Annotated[str, Field(min_length=1, pattern=r"\S", description="why; required, journaled")]
_ISO_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$", re.I
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_time(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_TIME.match(value.strip()):
        raise ValueError(
            _("must be an ISO 8601 time with an offset, e.g. 2026-03-01T09:30:00+08:00")
        )
    return value.strip()


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError(_("must be a date, e.g. 2026-03-01"))
    return value.strip()


def _in_range(value: Any) -> Any:
    """Years caseledger can count with (core.validate.FIRST_DAY to LAST_DAY): a query's
    `as_of=0001-01-01T00:00:00+14:00` or `received_to=9999-12-31` was a 500."""
    refused = out_of_range(value)
    if refused is not None:
        raise ValueError(refused)
    return value


InTime = Annotated[dt.datetime, BeforeValidator(_iso_time), AfterValidator(_in_range)]
InDate = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_in_range)]
_Text = Annotated[str, Field(min_length=1)]
IdOrCode = Annotated[Id | _Text, Field(description="id, or the department's code")]
IdOrUsername = Annotated[Id | _Text, Field(description="id, or the user's username")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- shared -------------------------------------------------------------------------------


class ErrorItem(Schema):
    code: str
    field: str | None
    message: str


class ErrorDetail(ErrorItem):
    errors: list[ErrorItem]


class ErrorOut(Schema):
    error: ErrorDetail
