"""Who is calling: the caller's number (any format) finds the customers it belongs to among
those the agent may see, with their open and recent cases, for the quick-entry screen."""

from __future__ import annotations

from dataclasses import dataclass, field

from caseledger.accounts.access import can
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, Status
from caseledger.cases.queries import case_list
from caseledger.customers.models import ContactKind, Customer
from caseledger.customers.queries import customer_list
from caseledger.customers.sealing import contact_index
from caseledger.customers.validation import normalize_contact

RECENT = 5


@dataclass(frozen=True)
class Caller:
    number: str  # E.164, "" when the number is not one
    problem: str = ""
    customers: list[Customer] = field(default_factory=list)
    open_cases: list[Case] = field(default_factory=list)
    recent_cases: list[Case] = field(default_factory=list)


def caller_lookup(*, actor: User, number: str) -> Caller:
    normalized, problem = normalize_contact(ContactKind.PHONE, number or "")
    if not normalized:
        return Caller(number="", problem=problem or "")
    customers = list(
        customer_list(actor=actor)
        .filter(
            contact_points__kind=ContactKind.PHONE,
            contact_points__blind_index=contact_index(ContactKind.PHONE, normalized),
        )
        .distinct()[:10]
    )
    if not customers or not can(actor, Perm.CASE_VIEW):
        return Caller(number=normalized, customers=customers)
    cases = case_list(actor=actor, filters={}, sort="-received").filter(
        customer__in=[c.pk for c in customers]
    )
    return Caller(
        number=normalized,
        customers=customers,
        open_cases=list(cases.exclude(status=Status.CLOSED)[:20]),
        recent_cases=list(cases.filter(status=Status.CLOSED)[:RECENT]),
    )
