"""Request and response shapes. Responses name related rows by their public keys
(department code, assignee username, case reference) and give times in UTC ISO 8601.

Input schemas refuse unknown fields and check types and fixed choices; the services check
everything else (the taxonomy, permissions, workflow) and name the field. Bodies reach the
services as JSON values (`model_dump(mode="json")`), the same as from any other interface.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, PlainSerializer

from caseledger.cases.models import CaseKind, Channel, Priority, Severity, Status
from caseledger.customers.models import (
    ContactKind,
    CustomerKind,
    IdentifierKind,
    RelationshipStatus,
)
from caseledger.journal.canonical import format_time
from caseledger.vault.masking import display_name, shown

UtcTime = Annotated[dt.datetime, PlainSerializer(format_time, return_type=str)]

# The orders cases.queries.SORTS serves with an index; anything else is refused by name.
CaseSort = Literal["-received", "received", "-updated", "updated", "-reference", "reference"]

# What the schema says is what the server takes (tests/api/test_schemathesis.py): ids fit the
# database's 64-bit keys, a JSON `true` is not the number 1, a time is ISO 8601 text with an
# offset (never a bare number of seconds), a required reason holds more than spaces.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=1_000_000, strict=True)]
Reason = Annotated[str, Field(min_length=1, pattern=r"\S", description="why; required, journaled")]
_ISO_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$", re.I
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_time(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_TIME.match(value.strip()):
        raise ValueError("must be an ISO 8601 time with an offset, e.g. 2026-03-01T09:30:00+08:00")
    return value.strip()


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError("must be a date, e.g. 2026-03-01")
    return value.strip()


def _id_or_code(value: Any) -> Any:
    """A department filter: a code, or an id a key can hold (a number past 64 bits is no
    department's, and is refused by name rather than matched against nothing)."""
    if isinstance(value, str) and value.strip().isdigit() and not 1 <= int(value) <= MAX_ID:
        raise ValueError(f"must be a department code or an id from 1 to {MAX_ID}")
    return value


InTime = Annotated[dt.datetime, BeforeValidator(_iso_time)]
InDate = Annotated[dt.date, BeforeValidator(_iso_date)]
_Text = Annotated[str, Field(min_length=1)]
IdOrCode = Annotated[Id | _Text, Field(description="id, or the department's code")]
IdOrUsername = Annotated[Id | _Text, Field(description="id, or the user's username")]


class Strict(Schema):
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


# ---- customers -----------------------------------------------------------------------------


class ContactPointIn(Strict):
    kind: ContactKind
    value: str
    label: str | None = None
    is_primary: bool | None = None
    verified_at: InTime | None = None


class ContactPointCreateIn(ContactPointIn):
    reason: str = Field("", description="why, for the journal")


class ContactPointOut(Schema):
    """Contact values are personal data: masked (138******78, cus******@example.com);
    POST /contact-points/{id}/reveal shows one to someone allowed to, with a reason."""

    id: int
    kind: str
    value: str = Field(description="masked, e.g. 138******78")
    label: str
    is_primary: bool
    verified_at: UtcTime | None
    created_at: UtcTime

    @staticmethod
    def resolve_value(obj: Any) -> str:
        from caseledger.customers.queries import contact_masked

        return contact_masked(obj.kind, obj.value)


class DuplicateOut(Schema):
    id: int
    name: str


class ContactPointCreatedOut(ContactPointOut):
    probable_duplicates: list[DuplicateOut] = Field(
        description="other customers you may see with the same phone, e-mail or identifier"
    )


class NameRevealOut(Schema):
    customer: int
    name: str


class ContactRevealOut(Schema):
    contact_point: int
    kind: str
    value: str


class IdentifierOut(Schema):
    """A sensitive identifier, always masked; POST .../reveal shows the value."""

    id: int
    kind: str
    masked: str = Field(description="e.g. 1****************X; the value is never sent here")
    created_at: UtcTime


class IdentifierIn(Strict):
    kind: IdentifierKind
    value: str = Field(description="checked by kind (resident ID: GB 11643), then encrypted")
    reason: str = Field("", description="why, for the journal")


class IdentifierCreatedOut(IdentifierOut):
    warnings: list[str] = Field(description="e.g. a bank card failing Luhn, a probable duplicate")
    probable_duplicates: list[int] = Field(
        description="ids of customers you may see that hold the same value"
    )


class RevealIn(Strict):
    reason: Reason = Field(description="why you need to see the value; required, journaled")


class RevealOut(Schema):
    identifier: int
    kind: str
    value: str


class CustomerIn(Strict):
    kind: CustomerKind
    name: str
    department: IdOrCode
    relationship_status: RelationshipStatus | None = None
    relationship_ended_on: InDate | None = None
    tags: list[str] | None = None
    contact_points: list[ContactPointIn] | None = None


class CustomerPatch(Strict):
    kind: CustomerKind | None = None
    name: str | None = None
    department: IdOrCode | None = None
    relationship_status: RelationshipStatus | None = None
    relationship_ended_on: InDate | None = None
    tags: list[str] | None = None
    version: Count | None = Field(
        None, description="required: the version you read; 428 without it, 409 if it moved on"
    )
    reason: str = Field("", description="why, for the journal")


class CustomerOut(Schema):
    id: int
    kind: str
    name: str = Field(
        description="a person's name masked (**明, J* S*); POST /customers/{id}/reveal-name "
        "shows it to someone allowed to, with a reason; an organisation's name in full"
    )
    department: str = Field(description="department code")
    merged_into: int | None = Field(
        None, alias="merged_into_id", description="the survivor, if merged into another"
    )
    merged_at: UtcTime | None = None
    relationship_status: str
    relationship_ended_on: dt.date | None
    tags: list[str]
    contact_points: list[ContactPointOut]
    identifiers: list[IdentifierOut] = Field(description="sensitive identifiers, masked")
    created_at: UtcTime
    updated_at: UtcTime
    version: int

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return display_name(obj)

    @staticmethod
    def resolve_department(obj: Any) -> str:
        return obj.department.code

    @staticmethod
    def resolve_contact_points(obj: Any) -> list[Any]:
        return list(obj.contact_points.all())

    @staticmethod
    def resolve_identifiers(obj: Any) -> list[Any]:
        return list(obj.identifiers.all())


class CustomerCreatedOut(CustomerOut):
    probable_duplicates: list[DuplicateOut] = Field(
        description="other customers you may see with the same phone, e-mail or identifier"
    )


class MergeIn(Strict):
    survivor: Id = Field(description="the customer that stays and receives everything")
    reason: Reason


class UnmergeIn(Strict):
    reason: Reason


class MergeOut(Schema):
    survivor: int
    merged: int
    cases: list[int]
    contact_points: list[int]
    identifiers: list[int]
    consents: list[int]
    duplicate_contact_points: list[int] = Field(
        description="left with the merged customer: the survivor holds the same value"
    )
    duplicate_identifiers: list[int]


class CustomerQuery(Schema):
    q: str | None = Field(None, description="name or contact value contains")
    department: QueryId | None = None
    kind: CustomerKind | None = None
    relationship_status: RelationshipStatus | None = None
    tag: str | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


# ---- cases ---------------------------------------------------------------------------------


class CaseIn(Strict):
    kind: CaseKind
    channel: Channel
    category: str = Field(description="see the taxonomy; e.g. billing, delivery, service")
    subcategory: str | None = None
    severity: Severity | None = None
    priority: Priority | None = None
    department: IdOrCode
    assignee: IdOrUsername | None = None
    customer: Id
    subject: Annotated[str, Field(min_length=1, pattern=r"\S")]
    description: str | None = None
    customer_request: str | None = None
    product_ref: str | None = None
    order_ref: str | None = None
    contract_ref: str | None = None
    received_at: InTime | None = Field(None, description="with offset; default now")


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
    sort: CaseSort = "-received"
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


# ---- history -------------------------------------------------------------------------------


class HistoryEntryOut(Schema):
    seq: int
    at: UtcTime
    actor: str = Field(description="username, or system")
    via: str
    action: str
    object_type: str
    object_id: str
    reason: str
    changes: dict[str, Any] | None = Field(description="field -> [before, after]")
    redacted: bool

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return obj.actor_name


class HistoryOut(Schema):
    object: str = Field(description="object_type:object_id")
    as_of: UtcTime | None
    state: dict[str, Any] | None = Field(
        description="the object's full state now, or as of `as_of`"
    )
    items: list[HistoryEntryOut]


class HistoryQuery(Schema):
    as_of: InTime | None = Field(
        None, description="ISO 8601 with offset: entries up to and the state at that moment"
    )


# ---- intake -------------------------------------------------------------------------------


class IntakeCustomerIn(Strict):
    kind: CustomerKind
    name: str
    tags: list[str] | None = None
    contact_points: list[ContactPointIn] | None = Field(
        None,
        description="a phone or e-mail address here finds the customer if the department "
        "has one with it; otherwise the customer is created with these contact points",
    )


class IntakeCaseIn(Strict):
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


class IntakeIn(Strict):
    department: IdOrCode
    customer: IntakeCustomerIn
    case: IntakeCaseIn


class IntakeCustomerOut(Schema):
    id: int
    created: bool = Field(description="false when the requester was matched by a contact point")


class IntakeOut(Schema):
    case: CaseOut
    customer: IntakeCustomerOut
