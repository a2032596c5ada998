"""One complaint with its requester, in one request: the customer is matched by a contact
point (or created), and the case recorded, in one transaction and one journal burst.

Every channel (the API's `/intake`, and the public form, mail and imports as they land)
comes through `intake_record`, so a complaint is recorded the same way whatever its door.
The customer and case services do the checking and journaling; this module only decides
which customer the complaint belongs to and reports every problem of both parts at once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, NoteKind
from caseledger.cases.services import LATER, case_check, case_note_add, case_write
from caseledger.core.errors import CaseledgerError, PermissionDenied, ValidationFailed
from caseledger.core.validate import Collector
from caseledger.customers.models import ContactKind, ContactPoint, Customer
from caseledger.customers.sealing import contact_index
from caseledger.customers.services import (
    CustomerDraft,
    customer_check,
    customer_write,
    resolve_department,
)
from caseledger.customers.validation import normalize_contact
from caseledger.journal.services import write_transaction

# The contact kinds that identify a person well enough to file a complaint under them.
MATCHED_BY = (ContactKind.PHONE, ContactKind.EMAIL)


@dataclass(frozen=True)
class Recorded:
    case: Case
    customer: Customer
    customer_created: bool
    # Customers of the department with the same name but none of these contact points:
    # perhaps the same person. Flagged on the case (an internal note), never merged.
    probable_duplicates: tuple[int, ...] = ()
    # Matched by a contact point, but the requester gave another name than the customer's:
    # the number or address may have passed to someone else. Flagged, never renamed.
    name_differs: bool = False


def _refusal(errors: list[CaseledgerError]) -> ValidationFailed:
    return ValidationFailed(
        "; ".join(str(e) for e in errors),
        field=errors[0].field,
        code=errors[0].code,
        errors=errors if len(errors) > 1 else None,
    )


def _prefixed(prefix: str, error: ValidationFailed) -> list[CaseledgerError]:
    found = error.errors or [error]
    for item in found:
        item.field = f"{prefix}{item.field}" if item.field else prefix.rstrip(".")
    return found


def _contacts(customer_data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The normalized (kind, value) pairs a customer can be matched by; bad ones are left
    for customer_create to report."""
    pairs = []
    for item in customer_data.get("contact_points") or []:
        if isinstance(item, Mapping) and item.get("kind") in MATCHED_BY:
            value, problem = normalize_contact(item["kind"], str(item.get("value") or ""))
            if value and not problem:
                pairs.append((item["kind"], value))
    return pairs


def _match(actor: User, department_id: int, contacts: list[tuple[str, str]]) -> Customer | None:
    """The oldest customer of the department with one of these contact points, followed to
    the survivor if it was merged. Phones compare exactly (stored in E.164), e-mail
    addresses without regard to case."""
    if not contacts or not can(actor, Perm.CUSTOMER_VIEW, department_id):
        return None
    pk = _matching_id(department_id, contacts)
    found = Customer.objects.select_related("department").get(pk=pk) if pk else None
    seen = set()
    while found is not None and found.merged_into_id is not None and found.pk not in seen:
        seen.add(found.pk)
        found = Customer.objects.select_related("department").get(pk=found.merged_into_id)
    return found


def _same_name(customer: Customer) -> tuple[int, ...]:
    """Other live customers of the department named exactly as the new one."""
    name = (customer.name or "").strip()
    if not name:
        return ()
    # Plain SQL, as `_matching_id`: every new requester asks (docs/benchmarks.md, issue 16).
    sql = (
        f"SELECT id FROM {Customer._meta.db_table} WHERE department_id = %s AND name = %s"
        " AND merged_into_id IS NULL AND restricted_at IS NULL AND id <> %s"
        " ORDER BY id LIMIT 20"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [customer.department_id, name, customer.pk])
        return tuple(row[0] for row in cursor.fetchall())


def _flag_duplicates(actor: User, case: Case, others: tuple[int, ...]) -> None:
    # Both languages: the note is read by whoever works the case, not by the filer.
    ids = ", ".join(f"#{pk}" for pk in others)
    case_note_add(
        actor=actor,
        case=case,
        kind=NoteKind.NOTE,
        body=(
            f"Probable duplicate 可能重复: customer {ids} has the same name with other "
            "contact details. Check, and merge if it is the same person. "
            f"客户 {ids} 姓名相同但联系方式不同，请核对，如为同一人请合并。"
        ),
    )


def _comparable(name: Any) -> str:
    """A name as people write it either way: full-width or half-width, any case, any spaces."""
    return "".join(unicodedata.normalize("NFKC", str(name or "")).casefold().split())


def _name_differs(customer: Customer, customer_in: Mapping[str, Any]) -> bool:
    given = _comparable(customer_in.get("name"))
    return bool(given) and given != _comparable(customer.name)


def _flag_other_name(actor: User, case: Case, customer: Customer) -> None:
    # No names in the note: a note is not masked, the names stay in their masked fields.
    case_note_add(
        actor=actor,
        case=case,
        kind=NoteKind.NOTE,
        body=(
            f"Check the requester 请核对投诉人: matched to customer #{customer.pk} by phone or "
            "e-mail, but the requester gave another name. The contact may now belong to "
            "someone else; correct the customer before replying. "
            f"按电话或邮箱匹配到客户 #{customer.pk}，但投诉人提供的姓名与档案不同，"
            "该联系方式可能已易主，请在回复前核对客户。"
        ),
    )


def _matching_id(department_id: int, contacts: list[tuple[str, str]]) -> int | None:
    """The id of the oldest matching customer, by the blind index of a phone or an e-mail
    address (customers.sealing; mailbox names compare without case). Plain SQL: every
    complaint asks, and the ORM's query building cost forty times the indexed lookup
    (docs/benchmarks.md, issue 16)."""
    customer, point = Customer._meta.db_table, ContactPoint._meta.db_table
    same: list[str] = []
    params: list[int | str] = [department_id]
    for kind, value in contacts:
        same.append("(p.kind = %s AND p.blind_index = %s)")
        params += [kind, contact_index(kind, value)]
    sql = (
        f"SELECT c.id FROM {customer} c JOIN {point} p ON p.customer_id = c.id "
        f"WHERE c.department_id = %s AND ({' OR '.join(same)}) ORDER BY c.id LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def intake_record(
    *,
    actor: User,
    data: Mapping[str, Any],
    reason: str = "",
    source: str = "",
    name_given: bool = True,
) -> Recorded:
    """Record `data` = {"department", "customer": {...}, "case": {...}}.

    The customer part is what `customer_create` takes; it is used to find the requester
    (by phone or e-mail within the department) and only created when none matches. The
    case part is what `case_create` takes, without `customer` and `department`. A refusal
    names every problem of both parts (fields prefixed `customer.` and `case.`) and leaves
    nothing behind. A created customer named exactly like another of the department is a
    probable duplicate: an internal note on the case names the other(s); nothing is merged.
    A matched customer whose name differs from the one given is flagged the same way
    (`name_given=False` where the name is not one a person gave, e.g. a mail program's
    display name).

    Long because both parts are checked (into one refusal naming every problem) before the
    writers' lock is taken, and which of them counts is known only under it.
    """
    c = Collector()
    c.unknown(data, ("department", "customer", "case"))
    department = resolve_department(data.get("department"), c)
    if department is None and not c.errors:
        c.add("department", _("is required"), "required")
    require(actor, Perm.CASE_MODIFY, department.pk if department else None)
    customer_in = data.get("customer")
    case_in = data.get("case")
    for name, value in (("customer", customer_in), ("case", case_in)):
        if not isinstance(value, Mapping):
            c.add(name, _("must be an object"), "required" if value is None else "invalid")
    if isinstance(case_in, Mapping):
        for name in ("customer", "department"):
            if name in case_in:
                c.add(f"case.{name}", _("is set by the intake; leave it out"), "unknown_field")
    c.raise_if_any()
    assert department is not None and isinstance(customer_in, Mapping)
    assert isinstance(case_in, Mapping)
    why = reason or (f"intake: {source}" if source else "intake")
    # Both halves are checked before the writers' lock is taken, so it is held only for
    # the match and the writes (docs/benchmarks.md, issue 16). The customer half counts
    # only if no customer matches; which one does is decided under the lock.
    contacts = _contacts(customer_in)
    draft: CustomerDraft | None = None
    customer_errors: list[CaseledgerError] = []
    # Someone who may record cases but not customers files under existing ones only.
    denied: PermissionDenied | None = None
    errors: list[CaseledgerError] = []
    try:
        draft = customer_check(actor=actor, data={**customer_in, "department": department})
    except ValidationFailed as refused:
        customer_errors = _prefixed("customer.", refused)
    except PermissionDenied as refused:
        denied = refused
    try:
        case_draft = case_check(
            actor=actor, data={**case_in, "department": department}, customer=LATER
        )
    except ValidationFailed as refused:
        errors = _prefixed("case.", refused)
    if errors:  # refused whoever the customer is: no lock, nothing written
        if _match(actor, department.pk, contacts) is None:
            if denied is not None:
                raise denied
            errors = customer_errors + errors
        raise _refusal(errors)
    with write_transaction():
        customer = _match(actor, department.pk, contacts)
        created = customer is None
        if customer is None:
            if denied is not None:
                raise denied
            if draft is None:
                raise _refusal(customer_errors)
            customer = customer_write(actor=actor, draft=draft, reason=why)
        try:
            case = case_write(actor=actor, draft=case_draft, customer=customer, reason=why)
        except ValidationFailed as refused:  # the matched customer cannot take a case
            raise _refusal(_prefixed("case.", refused)) from None
        others = _same_name(customer) if created else ()
        if others:
            _flag_duplicates(actor, case, others)
        other_name = name_given and not created and _name_differs(customer, customer_in)
        if other_name:
            _flag_other_name(actor, case, customer)
    return Recorded(
        case=case,
        customer=customer,
        customer_created=created,
        probable_duplicates=others,
        name_differs=other_name,
    )
