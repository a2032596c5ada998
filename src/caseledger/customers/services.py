"""Every write to customers and their contact points. Permission, validation, write and
journal entry happen in one transaction (journal.services.write_transaction)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, NotFound, ValidationFailed
from caseledger.core.state import diff, model_state
from caseledger.core.validate import Collector
from caseledger.customers.models import (
    ContactKind,
    ContactPoint,
    Customer,
    CustomerKind,
    Identifier,
    IdentifierKind,
    RelationshipStatus,
)
from caseledger.customers.validation import normalize_contact
from caseledger.journal.services import Change, append, write_transaction
from caseledger.vault import crypto
from caseledger.vault.masking import mask_identifier
from caseledger.vault.validators import check_identifier

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
    query = (
        Department.objects.filter(pk=value)
        if str(value).isdigit()
        else Department.objects.filter(code=value)
    )
    department = query.first()
    if department is None:
        c.add(field, f"department {value!r} does not exist", "not_found")
    return department


def _clean_customer(data: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], Collector]:
    c = Collector()
    c.unknown(data, (*CUSTOMER_FIELDS, "contact_points") if creating else CUSTOMER_FIELDS)
    clean: dict[str, Any] = {}
    if creating or "kind" in data:
        clean["kind"] = c.choice(data, "kind", CustomerKind.values, required=True)
    if creating or "name" in data:
        clean["name"] = c.text(data, "name", required=True, max_length=200)
    if creating or "department" in data:
        clean["department"] = resolve_department(data.get("department"), c)
        if clean["department"] is None and not any(e.field == "department" for e in c.errors):
            c.add("department", "is required", "required")
    if "relationship_status" in data:
        clean["relationship_status"] = c.choice(
            data, "relationship_status", RelationshipStatus.values, required=True
        )
    if "relationship_ended_on" in data:
        clean["relationship_ended_on"] = c.day(data, "relationship_ended_on")
    if "tags" in data:
        clean["tags"] = c.tags(data, "tags") or []
    return clean, c


def _clean_contact(
    data: Mapping[str, Any], c: Collector, prefix: str, kind_default: str | None = None
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    scoped = {f"{prefix}{k}": v for k, v in data.items()}
    for key in sorted(set(data) - set(CONTACT_FIELDS)):
        c.add(f"{prefix}{key}", "is not a field of a contact point", "unknown_field")
    kind = (
        c.choice(scoped, f"{prefix}kind", ContactKind.values, required=kind_default is None)
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


def customer_create(*, actor: User, data: Mapping[str, Any], reason: str = "") -> Customer:
    clean, c = _clean_customer(data, creating=True)
    contacts_in = data.get("contact_points") or []
    if not isinstance(contacts_in, list):
        c.add("contact_points", "must be a list")
        contacts_in = []
    contacts = []
    for i, item in enumerate(contacts_in):
        if isinstance(item, Mapping):
            contacts.append(_clean_contact(item, c, f"contact_points[{i}]."))
        else:
            c.add(f"contact_points[{i}]", "must be an object with kind and value")
    department = clean.get("department")
    if department is not None:
        require(actor, Perm.CUSTOMER_MODIFY, department.pk)
    else:
        require(actor, Perm.CUSTOMER_MODIFY)
    c.raise_if_any()
    assert department is not None  # raise_if_any refused a missing one
    now = clock.now()
    with write_transaction():
        customer = Customer.objects.create(
            kind=clean["kind"],
            name=clean["name"],
            department=department,
            relationship_status=clean.get("relationship_status") or RelationshipStatus.ACTIVE,
            relationship_ended_on=clean.get("relationship_ended_on"),
            tags=clean.get("tags") or [],
            created_at=now,
            updated_at=now,
        )
        for item in contacts:
            ContactPoint.objects.create(customer=customer, created_at=now, **item)
        state = customer_state(customer)
        append(
            actor=actor,
            change=Change(
                action="customer.create",
                object_type="customer",
                object_id=str(customer.pk),
                state=state,
                changes=diff(None, state),
                reason=reason,
            ),
        )
    return customer


def _locked(customer: Customer) -> Customer:
    """The customer, locked for a change; refused (Held, naming the matter) while a legal
    hold names the customer. Every write path here goes through this (retention ADR 0007)."""
    from caseledger.retention.holds import ensure_not_held

    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    ensure_not_held(customer=locked)
    return locked


def _check_version(customer: Customer, expected_version: int | None) -> None:
    if expected_version is not None and customer.version != expected_version:
        raise Conflict(
            f"customer {customer.pk} was changed by someone else (version {customer.version}, "
            f"you edited version {expected_version}); reload and try again",
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
    clean, c = _clean_customer(data, creating=False)
    if clean.get("department") is not None:
        require(actor, Perm.CUSTOMER_MODIFY, clean["department"].pk)
    c.raise_if_any()
    with write_transaction():
        customer = _locked(customer)
        _check_version(customer, expected_version)
        before = customer_state(customer)
        for key, value in clean.items():
            setattr(customer, key, value)
        after_fields = model_state(customer)
        if all(before.get(k) == v for k, v in after_fields.items()):
            return customer  # nothing changed: no version bump, no entry
        customer.version += 1
        customer.updated_at = clock.now()
        customer.save()
        _journal(actor, customer, before, "customer.update", reason)
    return customer


def _journal(actor: User, customer: Customer, before: dict, action: str, reason: str) -> None:
    after = customer_state(customer)
    changes = diff(before, after)
    for key in before.keys() - after.keys():  # the last identifier removed
        changes[key] = [before[key], None]
    append(
        actor=actor,
        change=Change(
            action=action,
            object_type="customer",
            object_id=str(customer.pk),
            state=after,
            changes=changes,
            reason=reason,
        ),
    )


def _touch(customer: Customer) -> None:
    customer.version += 1
    customer.updated_at = clock.now()
    customer.save(update_fields=["version", "updated_at"])


def contact_point_add(
    *, actor: User, customer: Customer, data: Mapping[str, Any], reason: str = ""
) -> ContactPoint:
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    c = Collector()
    clean = _clean_contact(data, c, "")
    c.raise_if_any()
    with write_transaction():
        customer = _locked(customer)
        before = customer_state(customer)
        point = ContactPoint.objects.create(customer=customer, created_at=clock.now(), **clean)
        _touch(customer)
        _journal(actor, customer, before, "customer.contact_add", reason)
    return point


def contact_point_update(
    *, actor: User, point: ContactPoint, data: Mapping[str, Any], reason: str = ""
) -> ContactPoint:
    customer = point.customer
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    c = Collector()
    merged = {
        "kind": point.kind,
        "value": point.value,
        "label": point.label,
        "is_primary": point.is_primary,
        "verified_at": point.verified_at,
        **data,
    }
    clean = _clean_contact(merged, c, "")
    c.raise_if_any()
    with write_transaction():
        customer = _locked(customer)
        before = customer_state(customer)
        ContactPoint.objects.filter(pk=point.pk).update(**clean)
        _touch(customer)
        _journal(actor, customer, before, "customer.contact_update", reason)
    point.refresh_from_db()
    return point


def contact_point_remove(*, actor: User, point: ContactPoint, reason: str) -> None:
    """Removes a contact point from the live record; the journal keeps its history."""
    customer = point.customer
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    if not reason.strip():
        raise ValidationFailed(
            "a reason is required to remove a contact point", field="reason", code="required"
        )
    with write_transaction():
        customer = _locked(customer)
        before = customer_state(customer)
        ContactPoint.objects.filter(pk=point.pk).delete()
        _touch(customer)
        _journal(actor, customer, before, "customer.contact_remove", reason)


# ---- sensitive identifiers (vault) ----------------------------------------------------------
# Dangerous: these handle plaintext ID numbers, account numbers, health facts. Guarantees:
# the plaintext is validated, encrypted, indexed and masked here and goes nowhere else: not
# into the row, the journal (which gets ciphertext and mask), an error message or a log.
# Only identifier_reveal returns it, to someone with Perm.CUSTOMER_REVEAL who gave a reason,
# and the reveal is journaled (who, whose, which field, when, why; never the value).

IDENTIFIER_RECORD = "customer.identifier"
REASON_MAX = 500


def identifier_owner(customer_id: int) -> str:
    """The record a ciphertext is bound to (vault.crypto associated data)."""
    return f"customer:{customer_id}"


@dataclass(frozen=True)
class IdentifierAdded:
    identifier: Identifier
    warnings: tuple[str, ...] = ()
    # Customers the actor may see that hold the same value: probably the same person.
    probable_duplicates: tuple[int, ...] = ()


def _clean_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationFailed(_("a reason is required"), field="reason", code="required")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _("must be at most %(n)d characters") % {"n": REASON_MAX},
            field="reason",
            code="too_long",
        )
    return reason


def identifier_add(
    *, actor: User, customer: Customer, kind: str, value: str, reason: str = ""
) -> IdentifierAdded:
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    if kind not in IdentifierKind.values:
        raise ValidationFailed(
            f"{kind!r} is not one of {', '.join(IdentifierKind.values)}",
            field="kind",
            code="invalid_choice",
        )
    if not isinstance(value, str):
        raise ValidationFailed(_("must be text"), field="value")
    checked = check_identifier(kind, value)
    if checked.errors:
        raise ValidationFailed("; ".join(checked.errors), field="value")
    reason = _clean_reason(reason, required=False)
    index = crypto.blind_index(checked.value, record=IDENTIFIER_RECORD, field=kind)
    with write_transaction():
        customer = _locked(customer)
        same = Identifier.objects.filter(kind=kind, blind_index=index)
        if same.filter(customer=customer).exists():
            raise ValidationFailed(
                _("this customer already has this value"), field="value", code="duplicate"
            )
        elsewhere = set(same.values_list("customer_id", flat=True))
        before = customer_state(customer)
        ciphertext = crypto.encrypt(
            checked.value,
            record=IDENTIFIER_RECORD,
            field=kind,
            owner=identifier_owner(customer.pk),
        )
        identifier = Identifier.objects.create(
            customer=customer,
            kind=kind,
            ciphertext=ciphertext,
            key_id=crypto.key_id_of(ciphertext),
            blind_index=index,
            masked=mask_identifier(kind, checked.value),
            created_at=clock.now(),
        )
        _touch(customer)
        _journal(actor, customer, before, "customer.identifier_add", reason)
    return IdentifierAdded(identifier, *_duplicates(actor, checked.warnings, elsewhere))


def _duplicates(
    actor: User, warnings: tuple[str, ...], elsewhere: set[int]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    if not elsewhere:
        return warnings, ()
    from caseledger.customers.queries import customer_list

    visible = tuple(
        customer_list(actor=actor).filter(pk__in=elsewhere).values_list("pk", flat=True)
    )
    message = ngettext(
        "probable duplicate: the same value is recorded for %(n)d other customer",
        "probable duplicate: the same value is recorded for %(n)d other customers",
        len(elsewhere),
    ) % {"n": len(elsewhere)}
    return (*warnings, message), visible


def identifier_remove(*, actor: User, identifier: Identifier, reason: str) -> None:
    """Removes an identifier from the live record; the journal keeps its ciphertext."""
    customer = identifier.customer
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    reason = _clean_reason(reason, required=True)
    with write_transaction():
        customer = _locked(customer)
        before = customer_state(customer)
        Identifier.objects.filter(pk=identifier.pk).delete()
        _touch(customer)
        _journal(actor, customer, before, "customer.identifier_remove", reason)


def identifier_reveal(*, actor: User, identifier: Identifier, reason: str) -> str:
    """The plaintext, for someone allowed to see it and who said why. Journaled first: if
    the journal entry cannot be written, nothing is revealed."""
    customer = identifier.customer
    require(actor, Perm.CUSTOMER_REVEAL, customer.department_id)
    reason = _clean_reason(reason, required=True)
    with write_transaction():
        current = Identifier.objects.filter(pk=identifier.pk).first()
        if current is None:
            raise NotFound(f"identifier {identifier.pk} does not exist", field="identifier")
        customer = Customer.objects.get(pk=current.customer_id)  # fresh, for the state
        plaintext = crypto.decrypt(
            current.ciphertext,
            record=IDENTIFIER_RECORD,
            field=current.kind,
            owner=identifier_owner(current.customer_id),
        )
        append(
            actor=actor,
            change=Change(
                action="customer.reveal",
                object_type="customer",
                object_id=str(customer.pk),
                # Unchanged: the state is repeated so the newest entry still rebuilds it.
                state=customer_state(customer),
                reason=reason,
                extra={
                    "field": f"identifier.{current.kind}",
                    "identifier": current.pk,
                    "masked": current.masked,
                },
            ),
        )
    return plaintext
