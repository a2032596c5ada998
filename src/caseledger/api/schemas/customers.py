"""Customer, contact point, identifier, reveal and merge shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from caseledger.api.schemas.base import (
    Count,
    Flag,
    Id,
    IdOrCode,
    InDate,
    InTime,
    QueryId,
    Reason,
    Strict,
    UtcTime,
)
from caseledger.customers.models import (
    ContactKind,
    CustomerKind,
    IdentifierKind,
    RelationshipStatus,
)
from caseledger.vault.masking import display_name


class ContactPointIn(Strict):
    kind: ContactKind
    value: str
    label: str | None = None
    is_primary: Flag | None = None
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
        return str(obj.masked)


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
    q: str | None = Field(
        None,
        description=(
            "part of the name, or a whole phone number or e-mail address (in any format or case;"
            " contact values are sealed and found by their blind index)"
        ),
    )
    department: QueryId | None = None
    kind: CustomerKind | None = None
    relationship_status: RelationshipStatus | None = None
    tag: str | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None
