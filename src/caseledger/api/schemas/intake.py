"""One intake: a requester and a case in a single request."""

from __future__ import annotations

from ninja import Field, Schema

from caseledger.api.schemas.base import IdOrCode, Strict
from caseledger.api.schemas.cases import CaseFieldsIn, CaseOut
from caseledger.api.schemas.customers import ContactPointIn
from caseledger.customers.models import (
    CustomerKind,
)


class IntakeCustomerIn(Strict):
    kind: CustomerKind
    name: str
    tags: list[str] | None = None
    contact_points: list[ContactPointIn] | None = Field(
        None,
        description="a phone or e-mail address here finds the customer if the department "
        "has one with it; otherwise the customer is created with these contact points",
    )


class IntakeCaseIn(CaseFieldsIn):  # the department and customer come with the intake itself
    pass


class IntakeIn(Strict):
    department: IdOrCode
    customer: IntakeCustomerIn
    case: IntakeCaseIn


class IntakeCustomerOut(Schema):
    id: int
    created: bool = Field(description="false when the requester was matched by a contact point")
    probable_duplicates: list[int] = Field(
        default_factory=list,
        description="customers of the department with the new requester's name but other "
        "contact points (flagged on the case in a note, never merged)",
    )
    name_differs: bool = Field(
        default=False,
        description="matched by a contact point, but the name given differs from the "
        "customer's (flagged on the case in a note: the contact may have changed hands)",
    )


class IntakeOut(Schema):
    case: CaseOut
    customer: IntakeCustomerOut
