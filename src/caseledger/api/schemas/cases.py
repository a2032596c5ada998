"""Case, note and attachment shapes, and the case list's query."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from caseledger.api.schemas.base import (
    MAX_ID,
    CaseSort,
    ClockFilter,
    Count,
    Id,
    IdOrCode,
    IdOrUsername,
    InDate,
    InTime,
    QueryId,
    Strict,
    UtcTime,
)
from caseledger.cases.models import CaseKind, Channel, Priority, Severity, Status
from caseledger.core.ids import is_id
from caseledger.vault.masking import display_name, shown


def _id_or_code(value: Any) -> Any:
    """A department filter: a code, or an id a key can hold (a number past 64 bits is no
    department's, and is refused by name rather than matched against nothing)."""
    if isinstance(value, str) and is_id(value.strip()) and not 1 <= int(value) <= MAX_ID:
        raise ValueError(f"must be a department code or an id from 1 to {MAX_ID}")
    return value


# The fields of a new case every way in shares: `CaseIn` (POST /cases, for a customer already
# there) and the intake's `IntakeCaseIn` (a requester and a case at once). Comments, not
# docstrings: a schema's docstring would become its description in the OpenAPI document.
class CaseFieldsIn(Strict):
    kind: CaseKind
    channel: Channel
    category: str = Field(description="see the taxonomy; e.g. billing, delivery, service")
    subcategory: str | None = None
    severity: Severity | None = None
    priority: Priority | None = None
    assignee: IdOrUsername | None = None
    subject: str
    description: str | None = None
    customer_request: str | None = None
    product_ref: str | None = None
    order_ref: str | None = None
    contract_ref: str | None = None
    received_at: InTime | None = Field(None, description="with offset; default now")


class CaseIn(CaseFieldsIn):
    department: IdOrCode
    customer: Id
    subject: Annotated[str, Field(min_length=1, pattern=r"\S")]


class CasePatch(Strict):
    kind: CaseKind | None = None
    channel: Channel | None = None
    category: str | None = None
    subcategory: str | None = None
    severity: Severity | None = None
    priority: Priority | None = None
    status: Status | None = None
    department: IdOrCode | None = None
    assignee: IdOrUsername | None = Field(None, description="null unassigns")
    customer: Id | None = None
    subject: Annotated[str, Field(min_length=1, pattern=r"\S")] | None = None
    description: str | None = None
    customer_request: str | None = None
    resolution: str | None = None
    root_cause: str | None = None
    satisfaction: Annotated[int, Field(ge=1, le=5, strict=True)] | None = Field(
        None, description="1 to 5"
    )
    product_ref: str | None = None
    order_ref: str | None = None
    contract_ref: str | None = None
    received_at: InTime | None = None
    version: Count | None = Field(
        None, description="required: the version you read; 428 without it, 409 if it moved on"
    )
    reason: str = Field("", description="why, for the journal")


class CustomerRef(Schema):
    id: int
    name: str = Field(description="a person's name masked (**明, J* S*); an organisation's in full")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return display_name(obj)


class CaseOut(Schema):
    id: int
    reference: str
    kind: str
    channel: str
    category: str
    subcategory: str
    severity: str
    priority: str
    status: str
    department: str = Field(description="department code")
    assignee: str | None = Field(description="username")
    customer: CustomerRef
    subject: str
    description: str
    customer_request: str
    resolution: str
    root_cause: str
    satisfaction: int | None
    received_at: UtcTime
    closed_at: UtcTime | None
    product_ref: str
    order_ref: str
    contract_ref: str
    created_at: UtcTime
    updated_at: UtcTime
    version: int
    archived_at: UtcTime | None = Field(
        description="set while the case is an archive stub: the long text fields are empty "
        "and the full record is at /cases/{reference}/archived"
    )
    restricted_at: UtcTime | None = Field(
        description="set while restricted under PIPL Art 47 (only compliance sees such cases)"
    )

    @staticmethod
    def resolve_department(obj: Any) -> str:
        return obj.department.code

    @staticmethod
    def resolve_assignee(obj: Any) -> str | None:
        return obj.assignee.username if obj.assignee_id else None

    # Free text an administrator may mark sensitive (vault.sensitivity): masked if so.
    @staticmethod
    def resolve_subject(obj: Any) -> str:
        return shown("case.subject", obj.subject)

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return shown("case.description", obj.description)

    @staticmethod
    def resolve_customer_request(obj: Any) -> str:
        return shown("case.customer_request", obj.customer_request)

    @staticmethod
    def resolve_resolution(obj: Any) -> str:
        return shown("case.resolution", obj.resolution)

    @staticmethod
    def resolve_root_cause(obj: Any) -> str:
        return shown("case.root_cause", obj.root_cause)


class CaseQuery(Schema):
    status: Status | None = None
    kind: CaseKind | None = None
    channel: Channel | None = None
    category: str | None = None
    department: Annotated[str, BeforeValidator(_id_or_code)] | None = Field(
        None, max_length=40, description="the department's id or code (`sales`)"
    )
    assignee: QueryId | None = None
    customer: QueryId | None = None
    severity: Severity | None = None
    priority: Priority | None = None
    received_from: InDate | None = Field(None, description="first day, inclusive")
    received_to: InDate | None = Field(None, description="last day, inclusive")
    q: str | None = Field(
        None, description="a reference (CL-...) or a search in the language of /search"
    )
    clock: ClockFilter | None = Field(
        None, description="cases with a clock in this state (as of the last sweep)"
    )
    sort: CaseSort = Field(
        "-received",
        description="`due`/`-due`: soonest (latest) next due time first; only cases with a "
        "running clock",
    )
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None
    count: int = Field(
        description="how many cases match the filters, over every page; counted up to "
        "100,000 (beyond, count_exact is false and count says 'at least')"
    )
    count_exact: bool = Field(description="false when count is a lower bound")


class NoteIn(Strict):
    body: str
    # A reply to the customer ("outbound") goes through POST /cases/{id}/replies, the one
    # door that also e-mails it.
    kind: Literal["note", "inbound"] = Field(
        "note", description="internal note or what the customer said; replies: …/replies"
    )
    channel: Channel | None = None


class NoteOut(Schema):
    id: int
    case: str = Field(description="case reference")
    kind: str
    channel: str
    body: str

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return shown("case_note.body", obj.body)

    author: str = Field(description="username")
    created_at: UtcTime

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.reference

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj.author.username


class AttachmentRemoveIn(Strict):
    reason: str = Field(
        min_length=1, max_length=5000, description="why the file is removed; required, journaled"
    )


class AttachmentOut(Schema):
    id: int
    case: str = Field(description="case reference")
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str = Field(description="username")
    uploaded_at: UtcTime
    download: str = Field(description="path to GET the file")
    removed_at: UtcTime | None = Field(None, description="set once the file was removed")
    removed_reason: str = ""

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return obj.case.reference

    @staticmethod
    def resolve_uploaded_by(obj: Any) -> str:
        return obj.uploaded_by.username

    @staticmethod
    def resolve_download(obj: Any) -> str:
        return f"/api/v1/attachments/{obj.pk}"
