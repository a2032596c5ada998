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
# Computed once: an enum's `.values` builds a new list each time.
_CUSTOMER_KINDS = tuple(CustomerKind.values)
_CONTACT_KINDS = tuple(ContactKind.values)
_RELATIONSHIPS = tuple(RelationshipStatus.values)


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
    query = (
        Department.objects.filter(pk=value)
        if str(value).isdigit()
        else Department.objects.filter(code=value)
    )
    department = query.first()
    if department is None:
        c.add(field, f"department {value!r} does not exist", "not_found")
    return department


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
            c.add("department", "is required", "required")
    if "relationship_status" in data:
        clean["relationship_status"] = c.choice(
            data, "relationship_status", _RELATIONSHIPS, required=True
        )
    if "relationship_ended_on" in data:
        clean["relationship_ended_on"] = c.day(data, "relationship_ended_on")
    if "tags" in data:
        clean["tags"] = c.tags(data, "tags") or []
    return clean, c


def contact_clean(
    data: Mapping[str, Any], c: Collector, prefix: str, kind_default: str | None = None
) -> dict[str, Any]:
    """The checks of one contact point; shared with the spreadsheet import."""
    clean: dict[str, Any] = {}
    scoped = {f"{prefix}{k}": v for k, v in data.items()}
    for key in sorted(set(data) - set(CONTACT_FIELDS)):
        c.add(f"{prefix}{key}", "is not a field of a contact point", "unknown_field")
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


def customer_create(*, actor: User, data: Mapping[str, Any], reason: str = "") -> Customer:
    clean, c = customer_fields_clean(data, creating=True)
    contacts_in = data.get("contact_points") or []
    if not isinstance(contacts_in, list):
        c.add("contact_points", "must be a list")
        contacts_in = []
    contacts = []
    for i, item in enumerate(contacts_in):
        if isinstance(item, Mapping):
            contacts.append(contact_clean(item, c, f"contact_points[{i}]."))
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
        points = [
            ContactPoint.objects.create(customer=customer, created_at=now, **item)
            for item in contacts
        ]
        # What customer_state() would read back, from the rows just written.
        state = model_state(customer)
        state["contact_points"] = [model_state(point) for point in points]
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
    from caseledger.retention.restriction import ensure_not_restricted

    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    ensure_not_held(customer=locked)
    ensure_not_restricted(customer=locked)  # PIPL Art 47: frozen until lifted
    _ensure_not_merged(locked)
    return locked


def _ensure_not_merged(customer: Customer) -> None:
    """A merged-away customer is history: its data lives on the survivor now."""
    if customer.merged_into_id is not None:
        raise Conflict(
            f"customer {customer.pk} was merged into customer {customer.merged_into_id}; "
            "change that customer instead (or undo the merge)",
            field="customer",
            code="merged",
        )


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
    clean, c = customer_fields_clean(data, creating=False)
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
    clean = contact_clean(data, c, "")
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
    clean = contact_clean(merged, c, "")
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
        _journal_reveal(
            actor,
            customer,
            reason,
            {
                "field": f"identifier.{current.kind}",
                "identifier": current.pk,
                "masked": current.masked,
            },
        )
    return plaintext


def _journal_reveal(actor: User, customer: Customer, reason: str, extra: dict[str, Any]) -> None:
    """The one journal entry of every reveal (identifier, contact point, name): who saw
    which field of whom, when and why; `extra` names the field and holds its mask, never
    the value."""
    append(
        actor=actor,
        change=Change(
            action="customer.reveal",
            object_type="customer",
            object_id=str(customer.pk),
            # Unchanged: the state is repeated so the newest entry still rebuilds it.
            state=customer_state(customer),
            reason=reason,
            extra=extra,
        ),
    )


def contact_point_reveal(*, actor: User, point: ContactPoint, reason: str) -> str:
    """The full value of a contact point, which every interface otherwise masks; for someone
    allowed to reveal who said why. Journaled like identifier_reveal (never the value)."""
    from caseledger.customers.queries import contact_masked

    customer = point.customer
    require(actor, Perm.CUSTOMER_REVEAL, customer.department_id)
    reason = _clean_reason(reason, required=True)
    with write_transaction():
        current = ContactPoint.objects.filter(pk=point.pk).first()
        if current is None:
            raise NotFound(f"contact point {point.pk} does not exist", field="contact_point")
        customer = Customer.objects.get(pk=current.customer_id)
        _journal_reveal(
            actor,
            customer,
            reason,
            {
                "field": f"contact_point.{current.kind}",
                "contact_point": current.pk,
                "masked": contact_masked(current.kind, current.value),
            },
        )
    return current.value


def customer_name_reveal(*, actor: User, customer: Customer, reason: str) -> str:
    """A person's full name, which every interface otherwise masks (vault.masking
    .display_name); for someone allowed to reveal who said why. Journaled like the other
    reveals, with the masked name."""
    from caseledger.vault.masking import display_name

    require(actor, Perm.CUSTOMER_REVEAL, customer.department_id)
    reason = _clean_reason(reason, required=True)
    with write_transaction():
        current = Customer.objects.filter(pk=customer.pk).first()
        if current is None:
            raise NotFound(f"customer {customer.pk} does not exist", field="customer")
        _journal_reveal(
            actor, current, reason, {"field": "customer.name", "masked": display_name(current)}
        )
    return current.name


# ---- merge ------------------------------------------------------------------------------------
# Dangerous: a merge rewrites which customer owns cases, contact points, identifiers and
# consents. Guarantees: it happens whole or not at all; both customers and every moved case
# get a journal entry in the same transaction; the merged customer keeps its row (pointing at
# the survivor) and its history; the `customer.merge` entry lists exactly the ids that moved,
# and customer_unmerge moves back exactly those, from that entry. Identifier ciphertexts are
# bound to their owner (ADR 0006), so moved ones are re-encrypted for the new owner.

MERGE_ACTION = "customer.merge"
UNMERGE_ACTION = "customer.unmerge"


@dataclass(frozen=True)
class Moved:
    """Ids moved between two customers, and the merged one's items left behind because the
    survivor already held the same value."""

    cases: tuple[int, ...] = ()
    contact_points: tuple[int, ...] = ()
    identifiers: tuple[int, ...] = ()
    consents: tuple[int, ...] = ()
    duplicate_contact_points: tuple[int, ...] = ()
    duplicate_identifiers: tuple[int, ...] = ()

    def as_extra(self) -> dict[str, list[int]]:
        return {k: list(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class MergeResult:
    survivor: Customer
    merged: Customer
    moved: Moved


def _contact_key(kind: str, value: str) -> tuple[str, str]:
    # Values are stored normalized (E.164, lower-case domain); mailbox names are compared
    # without case too, since mail systems treat them so in practice.
    return kind, value.lower() if kind == ContactKind.EMAIL else value


def _lock_pair(first: Customer, second: Customer) -> tuple[Customer, Customer]:
    """Both customers locked, lower id first (a fixed order cannot deadlock)."""
    rows = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    from caseledger.retention.holds import ensure_not_held

    for row in rows.values():
        ensure_not_held(customer=row)
    return rows[first.pk], rows[second.pk]


def _lock_cases(actor: User, ids: Any) -> list[Any]:
    """The cases, locked; refused (Held, naming the matter) if a legal hold covers any, and
    refused unless the actor may modify cases in every department they sit in."""
    from caseledger.cases.models import Case
    from caseledger.retention.holds import ensure_not_held, held_case_ids

    cases = list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for department_id in sorted({c.department_id for c in cases}):
        require(actor, Perm.CASE_MODIFY, department_id)
    held = held_case_ids([c.pk for c in cases])
    for case in cases:
        if case.pk in held:
            ensure_not_held(case=case)
    return cases


def _move_cases(actor: User, cases: list[Any], to: Customer, action: str, reason: str) -> None:
    from caseledger.cases.services import case_state

    now = clock.now()
    for case in cases:
        before = case_state(case)
        case.customer = to
        case.version += 1
        case.updated_at = now
        case.save(update_fields=["customer", "version", "updated_at"])
        after = case_state(case)
        append(
            actor=actor,
            change=Change(
                action=action,
                object_type="case",
                object_id=str(case.pk),
                state=after,
                changes=diff(before, after),
                reason=reason,
            ),
        )


def _move_identifier(identifier: Identifier, to: Customer) -> None:
    """Re-encrypt for the new owner (the old ciphertext would not decrypt there)."""
    plaintext = crypto.decrypt(
        identifier.ciphertext,
        record=IDENTIFIER_RECORD,
        field=identifier.kind,
        owner=identifier_owner(identifier.customer_id),
    )
    ciphertext = crypto.encrypt(
        plaintext, record=IDENTIFIER_RECORD, field=identifier.kind, owner=identifier_owner(to.pk)
    )
    Identifier.objects.filter(pk=identifier.pk).update(
        customer=to, ciphertext=ciphertext, key_id=crypto.key_id_of(ciphertext)
    )


def _move_consents(actor: User, ids: Any, to: Customer, action: str, reason: str) -> list[int]:
    from caseledger.privacy.models import Consent

    moved = []
    for consent in Consent.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        before = model_state(consent)
        consent.customer = to
        consent.save(update_fields=["customer"])
        after = model_state(consent)
        append(
            actor=actor,
            change=Change(
                action=action,
                object_type="consent",
                object_id=str(consent.pk),
                root=f"customer:{to.pk}",
                state=after,
                changes=diff(before, after),
                reason=reason,
            ),
        )
        moved.append(consent.pk)
    return moved


def _journal_pair(
    actor: User, action: str, pair: dict[str, Customer], before: dict, extra: dict, reason: str
) -> None:
    for role, customer in pair.items():
        _touch(customer)
        after = customer_state(customer)
        append(
            actor=actor,
            change=Change(
                action=action,
                object_type="customer",
                object_id=str(customer.pk),
                state=after,
                changes=diff(before[role], after),
                reason=reason,
                extra={**extra, "role": role},
            ),
        )


def customer_merge(
    *, actor: User, survivor: Customer, merged: Customer, reason: str
) -> MergeResult:
    """Move `merged`'s cases, contact points, identifiers and consents to `survivor` and mark
    `merged` as merged into it. Contact points and identifiers the survivor already holds stay
    with `merged` and are listed as duplicates."""
    from caseledger.cases.models import Case
    from caseledger.privacy.models import ChangeStatus, Consent, PendingChange

    require(actor, Perm.CUSTOMER_MODIFY, survivor.department_id)
    require(actor, Perm.CUSTOMER_MODIFY, merged.department_id)
    reason = _clean_reason(reason, required=True)
    if survivor.pk == merged.pk:
        raise ValidationFailed(
            _("a customer cannot be merged into itself"), field="survivor", code="same"
        )
    with write_transaction():
        survivor, merged = _lock_pair(survivor, merged)
        for customer, field in ((merged, "merged"), (survivor, "survivor")):
            if customer.merged_into_id is not None:
                raise Conflict(
                    f"customer {customer.pk} is already merged into customer "
                    f"{customer.merged_into_id}",
                    field=field,
                    code="merged",
                )
            if customer.restricted_at is not None:
                raise Conflict(
                    f"customer {customer.pk} is restricted (PIPL Art 47): "
                    f"{customer.restricted_reason}",
                    field=field,
                    code="restricted",
                )
        pending = PendingChange.objects.filter(customer=merged, status=ChangeStatus.PENDING)
        if pending.exists():
            raise Conflict(
                f"customer {merged.pk} has changes waiting for review "
                f"({', '.join(str(p) for p in pending.values_list('pk', flat=True))}); "
                "confirm or reject them first",
                field="merged",
                code="pending_changes",
            )
        before = {"survivor": customer_state(survivor), "merged": customer_state(merged)}
        cases = _lock_cases(actor, Case.objects.filter(customer=merged).values("pk"))
        held = {_contact_key(p.kind, p.value) for p in survivor.contact_points.all()}
        points: list[int] = []
        duplicate_points: list[int] = []
        for point in ContactPoint.objects.filter(customer=merged).order_by("pk"):
            key = _contact_key(point.kind, point.value)
            (duplicate_points if key in held else points).append(point.pk)
            held.add(key)  # two equal points on `merged`: only the first moves
        ContactPoint.objects.filter(pk__in=points).update(customer=survivor)
        indexed = set(survivor.identifiers.values_list("kind", "blind_index"))
        identifiers: list[int] = []
        duplicate_identifiers: list[int] = []
        for identifier in Identifier.objects.filter(customer=merged).order_by("pk"):
            if (identifier.kind, identifier.blind_index) in indexed:
                duplicate_identifiers.append(identifier.pk)
            else:
                _move_identifier(identifier, survivor)
                identifiers.append(identifier.pk)
        _move_cases(actor, cases, survivor, "case.customer_merge", reason)
        consents = _move_consents(
            actor,
            Consent.objects.filter(customer=merged).values("pk"),
            survivor,
            "privacy.consent_merge",
            reason,
        )
        moved = Moved(
            cases=tuple(c.pk for c in cases),
            contact_points=tuple(points),
            identifiers=tuple(identifiers),
            consents=tuple(consents),
            duplicate_contact_points=tuple(duplicate_points),
            duplicate_identifiers=tuple(duplicate_identifiers),
        )
        merged.merged_into = survivor
        merged.merged_at = clock.now()
        merged.save(update_fields=["merged_into", "merged_at"])
        extra = {"survivor": survivor.pk, "merged": merged.pk, **moved.as_extra()}
        pair = {"survivor": survivor, "merged": merged}
        _journal_pair(actor, MERGE_ACTION, pair, before, extra, reason)
    return MergeResult(survivor=survivor, merged=merged, moved=moved)


def _merge_record(merged: Customer) -> dict[str, Any]:
    """What the last merge of `merged` moved, as its journal entry recorded it."""
    import json

    from caseledger.journal.models import Entry

    entry = (
        Entry.objects.filter(object_type="customer", object_id=str(merged.pk), action=MERGE_ACTION)
        .select_related("payload")
        .order_by("-seq")
        .first()
    )
    body = getattr(entry, "payload", None) if entry is not None else None
    if body is None or body.body is None:
        raise Conflict(
            f"the journal entry of customer {merged.pk}'s merge is missing or redacted; "
            "it cannot be undone automatically",
            field="merged",
            code="no_merge_record",
        )
    extra = json.loads(body.body).get("extra") or {}
    if extra.get("survivor") != merged.merged_into_id:
        raise Conflict(
            f"the last merge entry of customer {merged.pk} names another survivor",
            field="merged",
            code="no_merge_record",
        )
    return extra


def customer_unmerge(*, actor: User, merged: Customer, reason: str) -> MergeResult:
    """Undo customer_merge from its journal entry: move back exactly the ids it moved that are
    still on the survivor, and clear the merge mark. Ids gone from the survivor since (a
    contact point removed, a case moved) are listed as `missing` in the entry."""
    from caseledger.cases.models import Case
    from caseledger.privacy.models import Consent

    merged = Customer.objects.get(pk=merged.pk)  # the caller's copy may predate the merge
    if merged.merged_into_id is None:
        raise Conflict(
            f"customer {merged.pk} is not merged into another", field="merged", code="not_merged"
        )
    survivor = Customer.objects.get(pk=merged.merged_into_id)
    require(actor, Perm.CUSTOMER_MODIFY, survivor.department_id)
    require(actor, Perm.CUSTOMER_MODIFY, merged.department_id)
    reason = _clean_reason(reason, required=True)
    with write_transaction():
        survivor, merged = _lock_pair(survivor, merged)
        if merged.merged_into_id != survivor.pk:
            raise Conflict(
                f"customer {merged.pk} changed while you were undoing its merge; reload",
                field="merged",
                code="changed",
            )
        if survivor.merged_into_id is not None:
            raise Conflict(
                f"customer {survivor.pk} was itself merged into customer "
                f"{survivor.merged_into_id}; undo that merge first",
                field="survivor",
                code="merged",
            )
        record = _merge_record(merged)
        before = {"survivor": customer_state(survivor), "merged": customer_state(merged)}
        cases = _lock_cases(
            actor,
            Case.objects.filter(customer=survivor, pk__in=record.get("cases", [])).values("pk"),
        )
        points = list(
            ContactPoint.objects.filter(
                customer=survivor, pk__in=record.get("contact_points", [])
            ).values_list("pk", flat=True)
        )
        ContactPoint.objects.filter(pk__in=points).update(customer=merged)
        identifiers = []
        for identifier in Identifier.objects.filter(
            customer=survivor, pk__in=record.get("identifiers", [])
        ).order_by("pk"):
            _move_identifier(identifier, merged)
            identifiers.append(identifier.pk)
        _move_cases(actor, cases, merged, "case.customer_unmerge", reason)
        consents = _move_consents(
            actor,
            Consent.objects.filter(customer=survivor, pk__in=record.get("consents", [])).values(
                "pk"
            ),
            merged,
            "privacy.consent_unmerge",
            reason,
        )
        moved = Moved(
            cases=tuple(c.pk for c in cases),
            contact_points=tuple(points),
            identifiers=tuple(identifiers),
            consents=tuple(consents),
        )
        back = moved.as_extra()
        missing = {
            k: sorted(set(record.get(k, [])) - set(back[k]))
            for k in ("cases", "contact_points", "identifiers", "consents")
        }
        merged.merged_into = None
        merged.merged_at = None
        merged.save(update_fields=["merged_into", "merged_at"])
        extra = {
            "survivor": survivor.pk,
            "merged": merged.pk,
            **{k: v for k, v in back.items() if not k.startswith("duplicate_")},
            "missing": {k: v for k, v in missing.items() if v},
        }
        pair = {"survivor": survivor, "merged": merged}
        _journal_pair(actor, UNMERGE_ACTION, pair, before, extra, reason)
    return MergeResult(survivor=survivor, merged=merged, moved=moved)
