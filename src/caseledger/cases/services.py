"""Every write to cases, their notes and attachments. Permission → validation → write →
journal, in one transaction (journal.services.write_transaction)."""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases import storage
from caseledger.cases.models import (
    Attachment,
    Case,
    CaseKind,
    CaseNote,
    Channel,
    NoteKind,
    Priority,
    ReferenceCounter,
    Severity,
    Status,
)
from caseledger.cases.taxonomy import CATEGORIES, subcategories
from caseledger.cases.workflow import allowed_next, can_move
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import diff, model_state
from caseledger.core.validate import Collector
from caseledger.customers.models import Customer
from caseledger.customers.services import resolve_department
from caseledger.journal.services import Change, append, write_transaction
from caseledger.retention.holds import ensure_not_held
from caseledger.retention.restriction import ensure_not_restricted

CREATE_FIELDS = (
    "kind",
    "channel",
    "category",
    "subcategory",
    "severity",
    "priority",
    "department",
    "assignee",
    "customer",
    "subject",
    "description",
    "customer_request",
    "product_ref",
    "order_ref",
    "contract_ref",
    "received_at",
)
UPDATE_FIELDS = (*CREATE_FIELDS, "status", "resolution", "root_cause", "satisfaction")
TEXT_LIMITS = {
    "subject": 200,
    "description": 20000,
    "customer_request": 5000,
    "resolution": 20000,
    "root_cause": 5000,
    "product_ref": 100,
    "order_ref": 100,
    "contract_ref": 100,
}


# Computed once: an enum's `.values` builds a new list each time (an import checks a
# million rows).
_KINDS, _CHANNELS = tuple(CaseKind.values), tuple(Channel.values)
_SEVERITIES, _PRIORITIES = tuple(Severity.values), tuple(Priority.values)
_STATUSES = tuple(Status.values)


def case_state(case: Case) -> dict[str, Any]:
    return model_state(case)


def _clean(data: Mapping[str, Any], *, creating: bool, actor: User) -> tuple[dict, Collector]:
    c = Collector()
    c.unknown(data, CREATE_FIELDS if creating else UPDATE_FIELDS)
    clean = case_fields_clean(data, c, creating=creating)
    if "department" in data or creating:
        department = resolve_department(data.get("department"), c)
        if department is None and not any(e.field == "department" for e in c.errors):
            c.add("department", "is required", "required")
        clean["department"] = department
    if "customer" in data or creating:
        clean["customer"] = _resolve_customer(data.get("customer"), c, actor)
    if "assignee" in data:
        clean["assignee"] = _resolve_user(data.get("assignee"), c)
    return clean, c


def case_fields_clean(data: Mapping[str, Any], c: Collector, *, creating: bool) -> dict[str, Any]:
    """The checks of a case's own fields, without the look-ups (department, customer,
    assignee): what `case_create` and `case_update` apply, shared with the spreadsheet
    import so a row is refused exactly when the service would refuse it."""
    clean: dict[str, Any] = {}

    def wanted(name: str) -> bool:
        return name in data

    for name, choices, required in (
        ("kind", _KINDS, True),
        ("channel", _CHANNELS, True),
        ("category", list(CATEGORIES), True),
        ("severity", _SEVERITIES, False),
        ("priority", _PRIORITIES, False),
        ("status", _STATUSES, False),
    ):
        if wanted(name) or (creating and required):
            value = c.choice(data, name, choices, required=required)
            if value is not None:
                clean[name] = value
    if wanted("subcategory"):
        clean["subcategory"] = c.text(data, "subcategory", max_length=40) or ""
    for name, limit in TEXT_LIMITS.items():
        if wanted(name) or (creating and name == "subject"):
            value = c.text(data, name, required=name == "subject", max_length=limit)
            if value is not None:
                clean[name] = value
    if wanted("satisfaction"):
        clean["satisfaction"] = c.integer(data, "satisfaction", minimum=1, maximum=5)
    if wanted("received_at"):
        received = c.moment(data, "received_at")
        if received is not None and received > clock.now():
            c.add("received_at", "is in the future", "future")
        elif received is not None:
            clean["received_at"] = received
    return clean


def _resolve_customer(value: Any, c: Collector, actor: User) -> Customer | None:
    if value in (None, ""):
        c.add("customer", "is required", "required")
        return None
    if isinstance(value, Customer):
        customer: Customer | None = value
    else:
        customer = Customer.objects.filter(pk=value).first() if str(value).isdigit() else None
    if customer is None or not can(actor, Perm.CUSTOMER_VIEW, customer.department_id):
        c.add("customer", f"customer {value} does not exist or is not visible to you", "not_found")
        return None
    if customer.restricted_at is not None:  # no new processing of a restricted customer
        c.add("customer", f"customer {value} is restricted under PIPL Art 47", "restricted")
        return None
    if customer.merged_into_id is not None:  # its cases belong with the survivor now
        c.add(
            "customer",
            f"customer {value} was merged into customer {customer.merged_into_id}; "
            "record the case for that customer",
            "merged",
        )
        return None
    return customer


def _resolve_user(value: Any, c: Collector) -> User | None:
    if value in (None, ""):
        return None
    query = (
        User.objects.filter(pk=value)
        if str(value).isdigit()
        else User.objects.filter(username=value)
    )
    user = query.first()
    if user is None or not user.is_active:
        c.add("assignee", f"user {value!r} does not exist or is inactive", "not_found")
        return None
    return user


def _check_assignee(case_department_id: int, assignee: User | None, c: Collector) -> None:
    if assignee is not None and not can(assignee, Perm.CASE_MODIFY, case_department_id):
        c.add(
            "assignee", f"{assignee.username} cannot work cases of this department", "not_allowed"
        )


def check_subcategory(category: str, subcategory: str, c: Collector) -> None:
    """Shared with the spreadsheet import (see `case_fields_clean`)."""
    subs = subcategories(category)
    if subcategory and subcategory not in subs:
        allowed = ", ".join(subs) or "none"
        c.add(
            "subcategory",
            f"{subcategory!r} is not a subcategory of {category} ({allowed})",
            "invalid_choice",
        )


def _next_reference(at) -> str:
    """The next CL-YYYY-NNNNNN. Runs under the journal's write lock, so the counter row is
    never bumped by two writers at once; one statement keeps the hot path short."""
    year = at.astimezone(ZoneInfo(settings.TIME_ZONE)).year
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_referencecounter SET last = last + 1 WHERE year = %s RETURNING last",
            [year],
        )
        row = cursor.fetchone()
    if row is None:
        ReferenceCounter.objects.create(year=year, last=1)
        number = 1
    else:
        number = row[0]
    return f"CL-{year}-{number:06d}"


def ensure_not_archived(case: Case) -> None:
    """An archived case is a stub: its text and notes live in the archive segment, so a
    change here would be lost (or contradict the segment) when it is brought back."""
    if case.archived_at is not None:
        raise Conflict(
            _(
                "case %(ref)s is archived; bring it back to active (with a reason) before "
                "changing it"
            )
            % {"ref": case.reference},
            field="case",
            code="archived",
        )


def case_create(*, actor: User, data: Mapping[str, Any], reason: str = "") -> Case:
    clean, c = _clean(data, creating=True, actor=actor)
    department = clean.get("department")
    require(actor, Perm.CASE_MODIFY, department.pk if department else None)
    if department is not None:
        _check_assignee(department.pk, clean.get("assignee"), c)
    check_subcategory(clean.get("category", ""), clean.get("subcategory", ""), c)
    c.raise_if_any()
    now = clock.now()
    with write_transaction():
        received_at = clean.pop("received_at", None) or now
        case = Case.objects.create(
            reference=_next_reference(received_at),
            received_at=received_at,
            status=Status.RECEIVED,
            created_at=now,
            updated_at=now,
            **clean,
        )
        state = case_state(case)
        append(
            actor=actor,
            change=Change(
                action="case.create",
                object_type="case",
                object_id=str(case.pk),
                state=state,
                changes=diff(None, state),
                reason=reason,
            ),
        )
    return case


def case_update(
    *,
    actor: User,
    case: Case,
    data: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    require(actor, Perm.CASE_MODIFY, case.department_id)
    clean, c = _clean(data, creating=False, actor=actor)
    if clean.get("department") is not None:
        require(actor, Perm.CASE_MODIFY, clean["department"].pk)
    c.raise_if_any()
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ensure_not_held(case=case)  # a legal hold freezes the case (retention ADR 0007)
        ensure_not_restricted(case=case)  # so does a PIPL Art 47 restriction
        ensure_not_archived(case)
        if expected_version is not None and case.version != expected_version:
            raise Conflict(
                _(
                    "case %(ref)s was changed by someone else (version %(now)s, you edited "
                    "version %(yours)s); reload and try again"
                )
                % {"ref": case.reference, "now": case.version, "yours": expected_version},
                field="version",
            )
        before = case_state(case)
        old_status = case.status
        for key, value in clean.items():
            setattr(case, key, value)
        _check_after_update(case, old_status, c)
        c.raise_if_any()
        after = case_state(case)
        changes = diff(before, after)
        if not changes:
            return case
        case.version += 1
        case.updated_at = clock.now()
        case.save()
        after = case_state(case)
        action = "case.transition" if case.status != old_status else "case.update"
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
    return case


def _check_after_update(case: Case, old_status: str, c: Collector) -> None:
    if not can_move(old_status, case.status):
        c.add(
            "status",
            f"a {old_status} case cannot move to {case.status}; "
            f"allowed: {', '.join(allowed_next(old_status)) or 'none'}",
            "bad_transition",
        )
        return
    check_subcategory(case.category, case.subcategory, c)
    _check_assignee(case.department_id, case.assignee, c)
    if case.status == Status.CLOSED and old_status != Status.CLOSED:
        if not case.resolution.strip():
            c.add("resolution", "is required to close a case", "required")
        case.closed_at = clock.now()
    elif case.status == Status.REOPENED and old_status == Status.CLOSED:
        case.closed_at = None


def case_note_add(
    *, actor: User, case: Case, body: str, kind: str = NoteKind.NOTE, channel: str = ""
) -> CaseNote:
    require(actor, Perm.CASE_MODIFY, case.department_id)
    c = Collector()
    data = {"body": body, "kind": kind, "channel": channel}
    body_clean = c.text(data, "body", required=True, max_length=20000)
    c.choice(data, "kind", NoteKind.values, required=True)
    c.choice(data, "channel", Channel.values)
    c.raise_if_any()
    ensure_not_restricted(case=case)
    ensure_not_archived(case)
    with write_transaction():
        note = CaseNote.objects.create(
            case=case,
            kind=kind,
            channel=channel or "",
            body=body_clean or "",
            author=actor,
            created_at=clock.now(),
        )
        append(
            actor=actor,
            change=Change(
                action="case.note",
                object_type="case_note",
                object_id=str(note.pk),
                root=f"case:{case.pk}",
                state=model_state(note),
                changes=diff(None, model_state(note)),
            ),
        )
    return note


# What the customer sees of a case's notes (the status page; mail sends them): replies
# written to them. Internal notes and what the customer sent are not shown back.
PUBLIC_NOTE_KINDS = (NoteKind.OUTBOUND,)


def case_attachment_add(
    *, actor: User, case: Case, stream: BinaryIO, filename: str, content_type: str = ""
) -> Attachment:
    require(actor, Perm.CASE_MODIFY, case.department_id)
    name = PurePath(filename or "").name.strip()
    if not name:
        raise ValidationFailed("a file name is required", field="filename", code="required")
    if len(name) > 255:
        raise ValidationFailed("is longer than 255 characters", field="filename", code="too_long")
    content_type = (content_type or mimetypes.guess_type(name)[0] or "application/octet-stream")[
        :120
    ]
    ensure_not_held(case=case)  # before storing: a held case takes no new files
    ensure_not_restricted(case=case)
    ensure_not_archived(case)
    stored = storage.store(stream)
    with write_transaction():
        ensure_not_held(case=case)  # again under the lock: a hold placed meanwhile wins
        attachment = Attachment.objects.create(
            case=case,
            sha256=stored.sha256,
            size=stored.size,
            content_type=content_type,
            filename=name,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        state = model_state(attachment)
        append(
            actor=actor,
            change=Change(
                action="case.attachment",
                object_type="attachment",
                object_id=str(attachment.pk),
                root=f"case:{case.pk}",
                state=state,
                changes=diff(None, state),
            ),
        )
    return attachment


REMOVE_REASON_MAX = 5000


def case_attachment_remove(*, actor: User, attachment: Attachment, reason: str) -> Attachment:
    """Take a wrongly attached file off its case. Only the attachment is marked removed
    (who, when, why): the row and the content file are kept until the case's disposition,
    so the history still shows it. Refused under a legal hold, naming the matter."""
    case = attachment.case
    require(actor, Perm.CASE_MODIFY, case.department_id)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed(_("a reason is required"), field="reason", code="required")
    if len(reason) > REMOVE_REASON_MAX:
        raise ValidationFailed(
            _("must be at most %(n)d characters") % {"n": REMOVE_REASON_MAX},
            field="reason",
            code="too_long",
        )
    ensure_not_restricted(case=case)
    ensure_not_archived(case)
    with write_transaction():
        current = Attachment.objects.select_for_update().get(pk=attachment.pk)
        ensure_not_held(case=case)  # under the chain lock: a hold placed meanwhile wins
        if current.removed_at is not None:
            raise Conflict(
                _("%(file)s was already removed from %(case)s")
                % {"file": current.filename, "case": case.reference},
                field="attachment",
                code="removed",
            )
        before = model_state(current)
        current.removed_at = clock.now()
        current.removed_by = actor
        current.removed_reason = reason
        current.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        state = model_state(current)
        append(
            actor=actor,
            change=Change(
                action="case.attachment_remove",
                object_type="attachment",
                object_id=str(current.pk),
                root=f"case:{case.pk}",
                state=state,
                changes=diff(before, state),
                reason=reason,
            ),
        )
    return current


EXPORT_LIMIT = 10_000


def case_export(
    *, actor: User, filters: Mapping[str, Any], sort: str = "-received", limit: int = EXPORT_LIMIT
) -> QuerySet[Case]:
    """The cases an export will hold, recorded in the journal as one look at their content:
    who exported, with which filter, and exactly which cases (ids), before any row leaves."""
    from caseledger.cases.queries import case_list

    require(actor, Perm.CASE_EXPORT)
    cases = case_list(actor=actor, filters=dict(filters), sort=sort)
    allowed = department_ids(actor, Perm.CASE_EXPORT)
    if allowed is not None:  # export may be narrower than view
        cases = cases.filter(department_id__in=allowed)
    ids = list(cases.values_list("id", flat=True)[:limit])
    export_id = uuid.uuid4().hex
    state = {
        "filters": dict(filters),
        "sort": sort,
        "limit": limit,
        "count": len(ids),
        "case_ids": ids,
    }
    with write_transaction():
        append(
            actor=actor,
            change=Change(
                action="case.export",
                object_type="export",
                object_id=export_id,
                state=state,
                changes={},
            ),
        )
    return cases.filter(pk__in=ids)
