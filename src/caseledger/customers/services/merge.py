"""Merging two customers and undoing it (parts on higher floors move their rows: cases,
consents; ADR 0010)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, cast

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock, hooks
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.customers.actions import CustomerAction
from caseledger.customers.models import (
    ContactPoint,
    Customer,
    Identifier,
)
from caseledger.customers.sealing import CONTACT_RECORD
from caseledger.customers.services.identifiers import (
    IDENTIFIER_RECORD,
    clean_reason,
    customer_owner,
)
from caseledger.customers.services.records import customer_state, touch_customer
from caseledger.journal.services import record_change, write_transaction
from caseledger.vault import crypto

# ---- merge ------------------------------------------------------------------------------------
# Dangerous: a merge rewrites which customer owns cases, contact points, identifiers and
# consents. Guarantees: it happens whole or not at all; both customers and every moved case
# get a journal entry in the same transaction; the merged customer keeps its row (pointing at
# the survivor) and its history; the `customer.merge` entry lists exactly the ids that moved,
# and customer_unmerge moves back exactly those, from that entry. Identifier ciphertexts are
# bound to their owner (ADR 0006), so moved ones are re-encrypted for the new owner.

MERGE_ACTION = CustomerAction.MERGE
UNMERGE_ACTION = CustomerAction.UNMERGE


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


def _lock_pair(first: Customer, second: Customer) -> tuple[Customer, Customer]:
    """Both customers locked, lower id first (a fixed order cannot deadlock)."""
    rows = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    from caseledger.holds.guards import ensure_not_held

    for row in rows.values():
        ensure_not_held(customer=row)
    return rows[first.pk], rows[second.pk]


MERGE_PARTS = "customers.merge_parts"
PART_NAMES = ("cases", "consents")  # the Moved fields (and merge entry keys) parts fill


class MergePart(Protocol):
    """What moves with a customer but lives on a higher floor (cases, consents): each app
    registers its part at start-up (cases/merge.py, privacy/merge.py; ADR 0010)."""

    name: str  # one of PART_NAMES

    def refuse(self, merged: Customer) -> None: ...  # raise to stop the merge

    def lock(self, actor: User, customer: Customer, ids: list[int] | None) -> Any: ...

    def move(
        self, actor: User, rows: Any, to: Customer, *, undo: bool, reason: str
    ) -> list[int]: ...


def _parts() -> list[MergePart]:
    """The registered parts, in their order (cases before consents); a missing one is a
    wiring bug, never a merge that leaves records behind."""
    parts = cast(list[MergePart], hooks.all_of(MERGE_PARTS))  # registered classes
    missing = set(PART_NAMES) - {p.name for p in parts}
    if missing:
        raise hooks.HookMissing(f"no app registered the merge parts {sorted(missing)}")
    return parts


def _move_sealed(row: Identifier | ContactPoint, record: str, to: Customer) -> None:
    """Move an identifier or a contact point to another customer, re-encrypted for it (a
    sealed value is bound to its customer: the old ciphertext would not decrypt there)."""
    ciphertext = crypto.rebound(
        row.ciphertext,
        record=record,
        field=row.kind,
        owner=customer_owner(row.customer_id),
        new_owner=customer_owner(to.pk),
    )
    type(row).objects.filter(pk=row.pk).update(
        customer=to, ciphertext=ciphertext, key_id=crypto.key_id_of(ciphertext)
    )


def _move_parts(
    actor: User,
    parts: list[MergePart],
    locked: dict[str, Any],
    to: Customer,
    *,
    undo: bool,
    reason: str,
) -> dict[str, list[int]]:
    """Each part moves the rows it locked to `to`; the ids it moved, by part name."""
    return {
        part.name: part.move(actor, locked[part.name], to, undo=undo, reason=reason)
        for part in parts
    }


def _journal_pair(
    actor: User, action: str, pair: dict[str, Customer], before: dict, extra: dict, reason: str
) -> None:
    for role, customer in pair.items():
        touch_customer(customer)
        after = customer_state(customer)
        record_change(
            actor=actor,
            action=action,
            object_type="customer",
            object_id=str(customer.pk),
            after=after,
            before=before[role],
            reason=reason,
            extra={**extra, "role": role},
        )


def _refuse_merged_or_restricted(survivor: Customer, merged: Customer) -> None:
    """Neither customer of a merge may already be merged or be restricted (PIPL Art 47)."""
    for customer, field in ((merged, "merged"), (survivor, "survivor")):
        if customer.merged_into_id is not None:
            raise Conflict(
                _(
                    "customer %(customer_id)s is already merged into customer %(customer_merged_into_id)s"
                )
                % {"customer_id": customer.pk, "customer_merged_into_id": customer.merged_into_id},
                field=field,
                code="merged",
            )
        if customer.restricted_at is not None:
            raise Conflict(
                _("customer %(customer_id)s is restricted (PIPL Art 47): %(reason)s")
                % {"customer_id": customer.pk, "reason": customer.restricted_reason},
                field=field,
                code="restricted",
            )


def _merge_contact_points(survivor: Customer, merged: Customer) -> tuple[list[int], list[int]]:
    """Move (re-sealed) `merged`'s contact points the survivor does not hold yet, by blind
    index (mailbox names compare without case); (moved, duplicates)."""
    held = set(survivor.contact_points.values_list("kind", "blind_index"))
    points: list[int] = []
    duplicate_points: list[int] = []
    for point in ContactPoint.objects.filter(customer=merged).order_by("pk"):
        key = (point.kind, point.blind_index)
        if key in held:
            duplicate_points.append(point.pk)
        else:
            _move_sealed(point, CONTACT_RECORD, survivor)
            points.append(point.pk)
        held.add(key)  # two equal points on `merged`: only the first moves
    return points, duplicate_points


def _merge_identifiers(survivor: Customer, merged: Customer) -> tuple[list[int], list[int]]:
    """Move (re-encrypted) `merged`'s identifiers the survivor does not hold yet, by blind
    index; (moved, duplicates)."""
    indexed = set(survivor.identifiers.values_list("kind", "blind_index"))
    identifiers: list[int] = []
    duplicate_identifiers: list[int] = []
    for identifier in Identifier.objects.filter(customer=merged).order_by("pk"):
        if (identifier.kind, identifier.blind_index) in indexed:
            duplicate_identifiers.append(identifier.pk)
        else:
            _move_sealed(identifier, IDENTIFIER_RECORD, survivor)
            identifiers.append(identifier.pk)
    return identifiers, duplicate_identifiers


def customer_merge(
    *, actor: User, survivor: Customer, merged: Customer, reason: str
) -> MergeResult:
    """Move `merged`'s cases, contact points, identifiers and consents to `survivor` and mark
    `merged` as merged into it. Contact points and identifiers the survivor already holds stay
    with `merged` and are listed as duplicates."""
    parts = _parts()
    require(actor, Perm.CUSTOMER_MODIFY, survivor.department_id)
    require(actor, Perm.CUSTOMER_MODIFY, merged.department_id)
    reason = clean_reason(reason, required=True)
    if survivor.pk == merged.pk:
        raise ValidationFailed(
            _("a customer cannot be merged into itself"), field="survivor", code="same"
        )
    with write_transaction():
        survivor, merged = _lock_pair(survivor, merged)
        _refuse_merged_or_restricted(survivor, merged)
        for part in parts:
            part.refuse(merged)
        before = {"survivor": customer_state(survivor), "merged": customer_state(merged)}
        locked = {part.name: part.lock(actor, merged, None) for part in parts}
        points, duplicate_points = _merge_contact_points(survivor, merged)
        identifiers, duplicate_identifiers = _merge_identifiers(survivor, merged)
        by_part = _move_parts(actor, parts, locked, survivor, undo=False, reason=reason)
        moved = Moved(
            cases=tuple(by_part["cases"]),
            contact_points=tuple(points),
            identifiers=tuple(identifiers),
            consents=tuple(by_part["consents"]),
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
            _(
                "the journal entry of customer %(merged_id)s's merge is missing or redacted; it cannot be undone automatically"
            )
            % {"merged_id": merged.pk},
            field="merged",
            code="no_merge_record",
        )
    extra = json.loads(body.body).get("extra") or {}
    if extra.get("survivor") != merged.merged_into_id:
        raise Conflict(
            _("the last merge entry of customer %(merged_id)s names another survivor")
            % {"merged_id": merged.pk},
            field="merged",
            code="no_merge_record",
        )
    return extra


def _refuse_stale_unmerge(survivor: Customer, merged: Customer) -> None:
    """Once both are locked: `merged` still points at `survivor`, which is merged nowhere."""
    if merged.merged_into_id != survivor.pk:
        raise Conflict(
            _("customer %(merged_id)s changed while you were undoing its merge; reload")
            % {"merged_id": merged.pk},
            field="merged",
            code="changed",
        )
    if survivor.merged_into_id is not None:
        raise Conflict(
            _(
                "customer %(survivor_id)s was itself merged into customer "
                "%(survivor_merged_into_id)s; undo that merge first"
            )
            % {"survivor_id": survivor.pk, "survivor_merged_into_id": survivor.merged_into_id},
            field="survivor",
            code="merged",
        )


def _move_back(
    record: dict[str, Any], survivor: Customer, merged: Customer
) -> tuple[list[int], list[int]]:
    """Move the contact points and identifiers (re-encrypted) the merge entry lists, and the
    survivor still holds, back to `merged`; (contact point ids, identifier ids)."""
    points = []
    for point in ContactPoint.objects.filter(
        customer=survivor, pk__in=record.get("contact_points", [])
    ).order_by("pk"):
        _move_sealed(point, CONTACT_RECORD, merged)
        points.append(point.pk)
    identifiers = []
    for identifier in Identifier.objects.filter(
        customer=survivor, pk__in=record.get("identifiers", [])
    ).order_by("pk"):
        _move_sealed(identifier, IDENTIFIER_RECORD, merged)
        identifiers.append(identifier.pk)
    return points, identifiers


def customer_unmerge(*, actor: User, merged: Customer, reason: str) -> MergeResult:
    """Undo customer_merge from its journal entry: move back exactly the ids it moved that are
    still on the survivor, and clear the merge mark. Ids gone from the survivor since (a
    contact point removed, a case moved) are listed as `missing` in the entry."""
    parts = _parts()
    merged = Customer.objects.get(pk=merged.pk)  # the caller's copy may predate the merge
    if merged.merged_into_id is None:
        raise Conflict(
            _("customer %(merged_id)s is not merged into another") % {"merged_id": merged.pk},
            field="merged",
            code="not_merged",
        )
    survivor = Customer.objects.get(pk=merged.merged_into_id)
    require(actor, Perm.CUSTOMER_MODIFY, survivor.department_id)
    require(actor, Perm.CUSTOMER_MODIFY, merged.department_id)
    reason = clean_reason(reason, required=True)
    with write_transaction():
        survivor, merged = _lock_pair(survivor, merged)
        _refuse_stale_unmerge(survivor, merged)
        record = _merge_record(merged)
        before = {"survivor": customer_state(survivor), "merged": customer_state(merged)}
        locked = {
            part.name: part.lock(actor, survivor, record.get(part.name, [])) for part in parts
        }
        points, identifiers = _move_back(record, survivor, merged)
        by_part = _move_parts(actor, parts, locked, merged, undo=True, reason=reason)
        moved = Moved(
            cases=tuple(by_part["cases"]),
            contact_points=tuple(points),
            identifiers=tuple(identifiers),
            consents=tuple(by_part["consents"]),
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
