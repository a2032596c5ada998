"""Cases, their notes and attachments. Each endpoint: parse, one query or service, render."""

from __future__ import annotations

import hashlib
from typing import Any, BinaryIO, cast

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Query, Router
from ninja.files import UploadedFile

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.errors import require_version
from caseledger.api.history import history_out
from caseledger.api.pagination import count_of, paginate
from caseledger.api.schemas import (
    AttachmentOut,
    AttachmentRemoveIn,
    CaseIn,
    CaseOut,
    CasePage,
    CasePatch,
    CaseQuery,
    ErrorOut,
    HistoryOut,
    HistoryQuery,
    NoteIn,
    NoteOut,
)
from caseledger.cases import storage
from caseledger.cases.queries import attachment_get, case_attachments, case_get, case_list
from caseledger.cases.services import (
    case_attachment_add,
    case_attachment_remove,
    case_create,
    case_note_add,
    case_update,
)
from caseledger.workflow.clocks.queries import filter_clock_state, with_next_due

router = Router(tags=["cases"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


def _case(case: Any) -> dict:
    return CaseOut.from_orm(case).model_dump(mode="json")


@router.post(
    "/cases",
    response={201: CaseOut, **ERRORS},
    summary="Record a case",
    openapi_extra=idempotency.OPENAPI,
)
def create_case(request: HttpRequest, payload: CaseIn) -> HttpResponse:
    data = payload.model_dump(mode="json", exclude_unset=True)
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=_case,
        make=lambda: case_create(actor=actor(request), data=data),
    )


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="List cases")
def list_cases(request: HttpRequest, params: Query[CaseQuery]) -> dict:
    """Filters combine with AND. Pages follow `next_cursor` until it is null; a cursor
    stays valid while cases are added or changed, but only under the sort it was made for."""
    filters = params.model_dump(
        mode="json", exclude={"sort", "limit", "cursor", "clock"}, exclude_none=True
    )
    cases = case_list(actor=actor(request), filters=filters, sort=params.sort)
    if params.clock:
        cases = filter_clock_state(cases, params.clock)
    if params.sort in ("due", "-due"):  # through the CaseDue index, cursor on (due, id)
        cases = (
            with_next_due(cases)
            .filter(due__due_at__isnull=False)
            .order_by("-next_due" if params.sort == "-due" else "next_due", "id")
        )
    page = paginate(
        cases,
        cursor=params.cursor,
        limit=params.limit,
    )
    count, exact = count_of(cases)
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "count": count,
        "count_exact": exact,
    }


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="Get a case")
def get_case(request: HttpRequest, case_id: str) -> Any:
    """`case_id` is the id or the reference (CL-2026-000123)."""
    return case_get(actor=actor(request), case_id=case_id)


@router.patch(
    "/cases/{case_id}", response={200: CaseOut, 428: ErrorOut, **ERRORS}, summary="Change a case"
)
def update_case(request: HttpRequest, case_id: str, payload: CasePatch) -> Any:
    """Only the fields sent change. Status moves follow the workflow. `version` (the one
    you read) is required: without it 428; if someone changed the case since, 409."""
    data = payload.model_dump(mode="json", exclude_unset=True, exclude={"version", "reason"})
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    require(user, Perm.CASE_MODIFY, case.department_id)  # a refusal says so before a 428
    require_version(payload.version, "case")
    case = case_update(
        actor=user, case=case, data=data, reason=payload.reason, expected_version=payload.version
    )
    return case_get(actor=user, case_id=case.pk)


@router.post(
    "/cases/{case_id}/notes",
    response={201: NoteOut, **ERRORS},
    summary="Add a note to a case",
    openapi_extra=idempotency.OPENAPI,
)
def add_note(request: HttpRequest, case_id: str, payload: NoteIn) -> HttpResponse:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    data = payload.model_dump(mode="json")
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=lambda note: NoteOut.from_orm(note).model_dump(mode="json"),
        make=lambda: case_note_add(
            actor=user,
            case=case,
            body=data["body"],
            kind=data["kind"],
            channel=data["channel"] or "",
        ),
    )


@router.get(
    "/cases/{case_id}/notes",
    response={200: list[NoteOut], **ERRORS},
    summary="A case's notes, oldest first",
)
def list_notes(request: HttpRequest, case_id: str) -> Any:
    case = case_get(actor=actor(request), case_id=case_id)
    return case.notes.select_related("case", "author").order_by("created_at", "id")


@router.post(
    "/cases/{case_id}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Attach a file to a case (multipart, field `file`)",
    openapi_extra=idempotency.OPENAPI,
)
def add_attachment(request: HttpRequest, case_id: str, file: File[UploadedFile]) -> HttpResponse:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    content = hashlib.sha256()
    for chunk in file.chunks():
        content.update(chunk)
    file.seek(0)
    fingerprint = idempotency.parts_fingerprint(
        file.name or "", file.content_type or "", content.hexdigest()
    )
    return idempotency.create(
        request,
        fingerprint=fingerprint,
        render=lambda a: AttachmentOut.from_orm(a).model_dump(mode="json"),
        make=lambda: case_attachment_add(
            actor=user,
            case=case,
            stream=cast(BinaryIO, file),
            filename=file.name or "",
            content_type=file.content_type or "",
        ),
    )


@router.get(
    "/cases/{case_id}/attachments",
    response={200: list[AttachmentOut], **ERRORS},
    summary="A case's attachments",
)
def list_attachments(request: HttpRequest, case_id: str) -> Any:
    """Removed attachments are left out; the case's history shows them."""
    case = case_get(actor=actor(request), case_id=case_id)
    return case_attachments(case).order_by("uploaded_at", "id")


@router.delete(
    "/cases/{case_id}/attachments/{attachment_id}",
    response={200: AttachmentOut, **ERRORS},
    summary="Remove a wrongly attached file from a case (a reason is required)",
)
def remove_attachment(
    request: HttpRequest, case_id: str, attachment_id: int, payload: AttachmentRemoveIn
) -> Any:
    """Marks the attachment removed (who, when, why, journaled as `case.attachment_remove`):
    it leaves the list and downloads; the content is kept until the case's disposition.
    409 `held` naming the matter while a legal hold covers the case."""
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    attachment = attachment_get(actor=user, attachment_id=attachment_id, case=case)
    return case_attachment_remove(actor=user, attachment=attachment, reason=payload.reason)


@router.get(
    "/attachments/{attachment_id}", response={200: None, **ERRORS}, summary="Download an attachment"
)
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = attachment_get(actor=actor(request), attachment_id=attachment_id)
    response = FileResponse(
        storage.open_file(attachment.sha256),
        as_attachment=True,
        filename=attachment.filename,
        content_type=storage.media_type(attachment.content_type, attachment.filename),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{attachment.sha256}"'
    return response


@router.get(
    "/cases/{case_id}/history",
    response={200: HistoryOut, **ERRORS},
    summary="A case's journal: every change with before and after",
)
def case_history(request: HttpRequest, case_id: str, params: Query[HistoryQuery]) -> Any:
    """With `as_of`, only the entries up to that moment and the case's state then."""
    case = case_get(actor=actor(request), case_id=case_id)
    return history_out("case", case.pk, params.as_of)
