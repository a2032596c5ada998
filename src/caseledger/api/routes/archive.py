"""Archived cases: the full record read from its segment, and a restore to active. Each
endpoint: parse, one query or service, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import CaseOut, ErrorOut, Reason
from caseledger.archive.services import archive_read, archive_restore
from caseledger.cases.queries import case_get

router = Router(tags=["archive"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422, 500): ErrorOut}


class ArchivedOut(Schema):
    segment: str
    sha256: str
    case: dict[str, Any]
    customer_id: int
    notes: list[dict[str, Any]]
    attachments: list[dict[str, Any]]


class RestoreIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: Reason


@router.get(
    "/cases/{case_id}/archived",
    response={200: ArchivedOut, **ERRORS},
    summary="Read an archived case in full",
)
def read_archived(request: HttpRequest, case_id: str) -> Any:
    """The case as it was archived, with its notes and attachment metadata, read from its
    archive segment with every checksum verified. Recorded in the journal. 409 when the case
    is not archived; 500 `archive_corrupt` names a segment that fails its checksums."""
    user = actor(request)
    return archive_read(actor=user, case=case_get(actor=user, case_id=case_id))


@router.post(
    "/cases/{case_id}/restore-from-archive",
    response={200: CaseOut, **ERRORS},
    summary="Bring an archived case back to active",
)
def restore_from_archive(request: HttpRequest, case_id: str, payload: RestoreIn) -> Any:
    """Puts the archived text and notes back from the segment (checksums verified) and
    clears the archived mark. Needs retention.manage (token scope retention:write) and a
    reason; journaled."""
    user = actor(request)
    case = archive_restore(
        actor=user, case=case_get(actor=user, case_id=case_id), reason=payload.reason
    )
    return case_get(actor=user, case_id=case.pk)
