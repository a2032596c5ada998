"""Customers themselves: their state as the journal keeps it, create and update, and the
steps every customer write shares (lock, guard, journal)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict
from caseledger.core.ids import is_id
from caseledger.core.insert import insert
from caseledger.core.lookup import by_unique
from caseledger.core.state import diff, model_state
from caseledger.core.validate import Collector
from caseledger.customers.actions import CustomerAction
from caseledger.customers.models import (
    ContactKind,
    ContactPoint,
    Customer,
    CustomerKind,
    Identifier,
    RelationshipStatus,
)
from caseledger.customers.sealing import stored_contact
from caseledger.customers.validation import normalize_contact
from caseledger.journal.services import record_change, write_transaction

CUSTOMER_FIELDS = (
    "kind",
    "name",
    "department",
    "relationship_status",
    "relationship_ended_on",
    "tags",
)
CONTACT_FIELDS = ("kind", "value", "label", "is_primary", "verified_at")


def customer_state(customer: Customer) -> dict[str, Any]:
    state = model_state(customer)
    state["contact_points"] = [
        model_state(cp) for cp in ContactPoint.objects.filter(customer=customer).order_by("id")
    ]
    identifiers = [
        model_state(i) for i in Identifier.objects.filter(customer=customer).order_by("id")
    ]
    # Stored form only: ciphertext, key id, blind index, mask. The key is left out while
    # there are none, so records journaled before identifiers existed (and the demo
    # loader's) still equal their reconstruction from the journal.
    if identifiers:
        state["identifiers"] = identifiers
    return state


def resolve_department(value: Any, c: Collector, field: str = "department") -> Department | None:
    if value in (None, ""):
        return None
    if isinstance(value, Department):  # resolved already (the intake passes it on)
        return value
    department = by_unique(Department, "id" if is_id(str(value)) else "code", value)
    if department is None:
        c.add(field, _("department %(value)r does not exist") % {"value": value}, "not_found")
    return department


# Computed once: an enum's `.values` builds a new list each time (an import checks a
# million rows).
_CUSTOMER_KINDS = tuple(CustomerKind.values)
_CONTACT_KINDS = tuple(ContactKind.values)
_RELATIONSHIPS = tuple(RelationshipStatus.values)


def customer_fields_clean(
    data: Mapping[str, Any], *, creating: bool
) -> tuple[dict[str, Any], Collector]:
    """The checks `customer_create`/`customer_update` apply to a customer's own fields;
    shared with the spreadsheet import."""
    c = Collector()
    c.unknown(data, (*CUSTOMER_FIELDS, "contact_points") if creating else CUSTOMER_FIELDS)
    clean: dict[str, Any] = {}
    if creating or "kind" in data:
        clean["kind"] = c.choice(data, "kind", _CUSTOMER_KINDS, required=True)
    if creating or "name" in data:
        clean["name"] = c.text(data, "name", required=True, max_length=200)
    if creating or "department" in data:
        clean["department"] = resolve_department(data.get("department"), c)
        if clean["department"] is None and not any(e.field == "department" for e in c.errors):
            c.add("department", _("is required"), "required")
    if "relationship_status" in data:
        clean["relationship_status"] = c.choice(
            data, "relationship_status", _RELATIONSHIPS, required=True
        )
    if "relationship_ended_on" in data:
        clean["relationship_ended_on"] = c.day(data, "relationship_ended_on")
    if "tags" in data:
        clean["tags"] = c.tags(data, "tags") or []
    return clean, c


def clean_contact(
    data: Mapping[str, Any], c: Collector, prefix: str, kind_default: str | None = None
) -> dict[str, Any]:
    """The checks of one contact point; shared with the spreadsheet import."""
    clean: dict[str, Any] = {}
    scoped = {f"{prefix}{k}": v for k, v in data.items()}
    for key in sorted(set(data) - set(CONTACT_FIELDS)):
        c.add(f"{prefix}{key}", _("is not a field of a contact point"), "unknown_field")
    kind = (
        c.choice(scoped, f"{prefix}kind", _CONTACT_KINDS, required=kind_default is None)
        or kind_default
    )
    value = c.text(scoped, f"{prefix}value", required=True, max_length=300)
    if kind and value:
        normalized, problem = normalize_contact(kind, value)
        if problem:
            c.add(f"{prefix}value", problem)
        clean["value"] = normalized
    clean["kind"] = kind
    clean["label"] = c.text(scoped, f"{prefix}label", max_length=60) or ""
    clean["is_primary"] = bool(data.get("is_primary", False))
    clean["verified_at"] = c.moment(scoped, f"{prefix}verified_at")
    return clean


@dataclass(frozen=True)
class CustomerDraft:
    """A new customer that passed every check and is not written yet: `customer_check`'s
    answer, which `customer_write` writes. The intake checks before it takes the writers'
    lock, so the lock is held only for the writes (docs/benchmarks.md, issue 16)."""

    clean: dict[str, Any]
    contacts: tuple[dict[str, Any], ...]


def customer_create(*, actor: User, data: Mapping[str, Any], reason: str = "") -> Customer:
    return customer_write(actor=actor, draft=customer_check(actor=actor, data=data), reason=reason)


def customer_check(*, actor: User, data: Mapping[str, Any]) -> CustomerDraft:
    """customer_create's permission and validation, with nothing written: every problem
    at once (ValidationFailed), or the draft to write."""
    clean, c = customer_fields_clean(data, creating=True)
    contacts_in = data.get("contact_points") or []
    if not isinstance(contacts_in, list):
        c.add("contact_points", _("must be a list"))
        contacts_in = []
    contacts = []
    for i, item in enumerate(contacts_in):
        if isinstance(item, Mapping):
            contacts.append(clean_contact(item, c, f"contact_points[{i}]."))
        else:
            c.add(f"contact_points[{i}]", _("must be an object with kind and value"))
    department = clean.get("department")
    if department is not None:
        require(actor, Perm.CUSTOMER_MODIFY, department.pk)
    else:
        require(actor, Perm.CUSTOMER_MODIFY)
    c.raise_if_any()
    assert department is not None  # raise_if_any refused a missing one
    return CustomerDraft(clean=clean, contacts=tuple(contacts))


def customer_write(*, actor: User, draft: CustomerDraft, reason: str = "") -> Customer:
    """Write a checked new customer with its contact points, and journal it. The permission
    is asked again (a draft is a plain object anyone could build): a cached look-up."""
    clean = draft.clean
    department = clean["department"]
    require(actor, Perm.CUSTOMER_MODIFY, department.pk)
    now = clock.now()
    with write_transaction():
        customer = insert(
            Customer(
                kind=clean["kind"],
                name=clean["name"],
                department=department,
                relationship_status=clean.get("relationship_status") or RelationshipStatus.ACTIVE,
                relationship_ended_on=clean.get("relationship_ended_on"),
                tags=clean.get("tags") or [],
                created_at=now,
                updated_at=now,
            )
        )
        points = [
            insert(
                ContactPoint(customer=customer, created_at=now, **stored_contact(item, customer.pk))
            )
            for item in draft.contacts
        ]
        # What customer_state() would read back, from the rows just written.
        state = model_state(customer)
        state["contact_points"] = [model_state(point) for point in points]
        record_change(
            actor=actor,
            action=CustomerAction.CREATE,
            object_type="customer",
            object_id=str(customer.pk),
            after=state,
            before=None,
            reason=reason,
        )
    return customer


def locked_customer(customer: Customer) -> Customer:
    """The customer, locked for a change; refused (Held, naming the matter) while a legal
    hold names the customer. Every write path here goes through this (retention ADR 0007)."""
    from caseledger.holds.guards import ensure_not_held
    from caseledger.holds.restriction import ensure_not_restricted

    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    ensure_not_held(customer=locked)
    ensure_not_restricted(customer=locked)  # PIPL Art 47: frozen until lifted
    ensure_not_merged(locked)
    return locked


def ensure_not_merged(customer: Customer) -> None:
    """A merged-away customer is history: its data lives on the survivor now."""
    if customer.merged_into_id is not None:
        raise Conflict(
            _(
                "customer %(customer_id)s was merged into customer %(customer_merged_into_id)s; change that customer instead (or undo the merge)"
            )
            % {"customer_id": customer.pk, "customer_merged_into_id": customer.merged_into_id},
            field="customer",
            code="merged",
        )


def check_version(customer: Customer, expected_version: int | None) -> None:
    if expected_version is not None and customer.version != expected_version:
        raise Conflict(
            _(
                "customer %(customer_id)s was changed by someone else (version %(customer_version)s, you edited version %(expected_version)s); reload and try again"
            )
            % {
                "customer_id": customer.pk,
                "customer_version": customer.version,
                "expected_version": expected_version,
            },
            field="version",
        )


def customer_update(
    *,
    actor: User,
    customer: Customer,
    data: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> Customer:
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    clean, c = customer_fields_clean(data, creating=False)
    if clean.get("department") is not None:
        require(actor, Perm.CUSTOMER_MODIFY, clean["department"].pk)
    c.raise_if_any()
    with write_transaction():
        customer = locked_customer(customer)
        check_version(customer, expected_version)
        before = customer_state(customer)
        for key, value in clean.items():
            setattr(customer, key, value)
        after_fields = model_state(customer)
        if all(before.get(k) == v for k, v in after_fields.items()):
            return customer  # nothing changed: no version bump, no entry
        customer.version += 1
        customer.updated_at = clock.now()
        customer.save()
        journal_customer(actor, customer, before, CustomerAction.UPDATE, reason)
    return customer


def journal_customer(
    actor: User, customer: Customer, before: dict, action: str, reason: str
) -> None:
    after = customer_state(customer)
    changes = diff(before, after)
    for key in before.keys() - after.keys():  # the last identifier removed
        changes[key] = [before[key], None]
    record_change(
        actor=actor,
        action=action,
        object_type="customer",
        object_id=str(customer.pk),
        after=after,
        changes=changes,
        reason=reason,
    )


def touch_customer(customer: Customer) -> None:
    customer.version += 1
    customer.updated_at = clock.now()
    customer.save(update_fields=["version", "updated_at"])
