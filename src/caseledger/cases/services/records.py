"""Cases themselves: their state, update (permission, then validation), the checks a new
case shares with them (creation.py records it), and `case_set_fields`, the step behind
taking, reassigning and moving cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import can, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases import taxonomy
from caseledger.cases.actions import CaseAction
from caseledger.cases.models import (
    Case,
    CaseKind,
    Channel,
    Priority,
    Severity,
    Status,
)
from caseledger.cases.workflow import allowed_next, can_move
from caseledger.core import clock, hooks
from caseledger.core.errors import Conflict
from caseledger.core.ids import is_id
from caseledger.core.lookup import by_unique
from caseledger.core.state import diff, model_state
from caseledger.core.validate import Collector
from caseledger.customers.models import Customer
from caseledger.customers.services import resolve_department
from caseledger.holds.guards import ensure_not_held
from caseledger.holds.restriction import ensure_not_restricted
from caseledger.journal.services import record_change, write_transaction

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
# Hooks higher floors answer (ADR 0010). CASE_CREATED: fn(*, actor, case) inside
# case_create's transaction, after its entry (workflow: repeat links, assignment rules).
# ASSIGNEE_CHECK: fn(user, department_id) -> a refusal's words or None (workflow: absences).
CASE_CREATED = "cases.case_created"
ASSIGNEE_CHECK = "cases.assignee_check"

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


def case_set_fields(
    case: Case,
    *,
    actor: User | None,
    fields: Mapping[str, Any],
    action: str,
    reason: str,
    at: Any = None,
) -> Case:
    """Set some of a case's fields, bump its version, save and journal the diff: the one
    step behind taking, reassigning, offboarding and customer merges. The caller has
    checked permission, holds and restriction; inside its write_transaction() this joins it."""
    with write_transaction():  # joins the caller's
        before = case_state(case)
        for name, value in fields.items():
            setattr(case, name, value)
        case.version += 1
        case.updated_at = at or clock.now()
        case.save(update_fields=[*fields, "version", "updated_at"])
        record_change(
            actor=actor,
            action=action,
            object_type="case",
            object_id=case.pk,
            after=case_state(case),
            before=before,
            reason=reason,
        )
    return case


def _clean(
    data: Mapping[str, Any], *, creating: bool, actor: User, customer: bool = True
) -> tuple[dict, Collector]:
    c = Collector()
    c.unknown(data, CREATE_FIELDS if creating else UPDATE_FIELDS)
    clean = case_fields_clean(data, c, creating=creating)
    if "department" in data or creating:
        department = resolve_department(data.get("department"), c)
        if department is None and not any(e.field == "department" for e in c.errors):
            c.add("department", _("is required"), "required")
        clean["department"] = department
    if customer and ("customer" in data or creating):
        clean["customer"] = resolve_case_customer(data.get("customer"), c, actor)
    elif not customer and "customer" in data:
        c.add("customer", _("is set by the intake; leave it out"), "unknown_field")
    if "assignee" in data:
        clean["assignee"] = _resolve_user(data.get("assignee"), c)
    return clean, c


def case_new_clean(
    data: Mapping[str, Any], *, actor: User, customer: bool = True
) -> tuple[dict, Collector]:
    """A new case's fields checked and looked up (the customer too unless `customer` is
    False), unsaved: `case_check`'s validation."""
    return _clean(data, creating=True, actor=actor, customer=customer)


def case_changes_clean(data: Mapping[str, Any], *, actor: User) -> tuple[dict, Collector]:
    """An edit's fields checked and looked up (department, customer, assignee), unsaved."""
    return _clean(data, creating=False, actor=actor)


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
        ("category", taxonomy.category_codes(active_only=False), True),
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
            c.add("received_at", _("is in the future"), "future")
        elif received is not None:
            clean["received_at"] = received
    return clean


def resolve_case_customer(value: Any, c: Collector, actor: User) -> Customer | None:
    if value in (None, ""):
        c.add("customer", _("is required"), "required")
        return None
    if isinstance(value, Customer):
        customer: Customer | None = value
    else:
        customer = by_unique(Customer, "id", value) if is_id(str(value)) else None
    if customer is None or not can(actor, Perm.CUSTOMER_VIEW, customer.department_id):
        c.add(
            "customer",
            _("customer %(value)s does not exist or is not visible to you") % {"value": value},
            "not_found",
        )
        return None
    if customer.restricted_at is not None:  # no new processing of a restricted customer
        c.add(
            "customer",
            _("customer %(value)s is restricted under PIPL Art 47") % {"value": value},
            "restricted",
        )
        return None
    if customer.merged_into_id is not None:  # its cases belong with the survivor now
        c.add(
            "customer",
            _(
                "customer %(value)s was merged into customer %(customer_merged_into_id)s; record the case for that customer"
            )
            % {"value": value, "customer_merged_into_id": customer.merged_into_id},
            "merged",
        )
        return None
    return customer


def _resolve_user(value: Any, c: Collector) -> User | None:
    if value in (None, ""):
        return None
    query = (
        User.objects.filter(pk=value) if is_id(str(value)) else User.objects.filter(username=value)
    )
    user = query.first()
    if user is None or not user.is_active:
        c.add(
            "assignee",
            _("user %(value)r does not exist or is inactive") % {"value": value},
            "not_found",
        )
        return None
    return user


def check_assignee(
    case_department_id: int, assignee: User | None, c: Collector, *, new: bool = True
) -> None:
    if assignee is not None and not can(assignee, Perm.CASE_MODIFY, case_department_id):
        c.add(
            "assignee",
            _("%(assignee_username)s cannot work cases of this department")
            % {"assignee_username": assignee.username},
            "not_allowed",
        )
        return
    if assignee is not None and new:  # one already holding it may be away meanwhile
        for check in hooks.all_of(ASSIGNEE_CHECK):
            problem = check(assignee, case_department_id)
            if problem:
                c.add("assignee", problem, "unavailable")


def check_subcategory(category: str, subcategory: str, c: Collector) -> None:
    """Shared with the spreadsheet import (see `case_fields_clean`)."""
    if not subcategory:
        return
    subs = taxonomy.subcategory_codes(category)
    if subcategory not in subs:
        allowed = ", ".join(subs) or "none"
        c.add(
            "subcategory",
            _("%(subcategory)r is not a subcategory of %(category)s (%(allowed)s)")
            % {"subcategory": subcategory, "category": category, "allowed": allowed},
            "invalid_choice",
        )


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


def case_update(
    *,
    actor: User,
    case: Case,
    data: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Edit a case. A change of status is a move with its step's guards (cases.process):
    the required fields, a reason where one is expected; a move that needs a second
    person's approval is refused here: `case_move` asks for it."""
    return update_case(
        actor=actor, case=case, data=data, reason=reason, expected_version=expected_version
    )


def update_case(
    *,
    actor: User,
    case: Case,
    data: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None = None,
    approved_by: User | None = None,
) -> Case:
    """case_update's step, shared with an approved move (`approved_by`: the second person,
    who may approve in the department without working its cases). Not public: an approval
    is only given by `approval_approve`."""
    if approved_by is None:
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
        old = {"status": case.status, "category": case.category, "assignee_id": case.assignee_id}
        for key, value in clean.items():
            setattr(case, key, value)
        check_move(case, old, c, reason=reason, approved=approved_by is not None)
        c.raise_if_any()
        after = case_state(case)
        changes = diff(before, after)
        if not changes:
            return case
        case.version += 1
        case.updated_at = clock.now()
        case.save()
        after = case_state(case)
        action = CaseAction.TRANSITION if case.status != old["status"] else CaseAction.UPDATE
        record_change(
            actor=actor,
            action=action,
            object_type="case",
            object_id=str(case.pk),
            after=after,
            before=before,
            reason=reason,
        )
    return case


def check_move(
    case: Case, old: Mapping[str, Any], c: Collector, *, reason: str, approved: bool
) -> None:
    """The checks of an edited case (fields set, not saved): the category still offered to
    its department when it changed, the subcategory, the assignee, and for a change of
    status the step's guards (cases.process.step_guard)."""
    from caseledger.cases.process import step_guard

    old_status = old["status"]
    if not can_move(old_status, case.status):
        c.add(
            "status",
            _("a %(old_status)s case cannot move to %(case_status)s; allowed: %(allowed_next)s")
            % {
                "old_status": old_status,
                "case_status": case.status,
                "allowed_next": ", ".join(allowed_next(old_status)) or "none",
            },
            "bad_transition",
        )
        return
    if case.category != old["category"]:
        check_category_offered(case.department_id, case.category, c)
    check_subcategory(case.category, case.subcategory, c)
    # A newly named assignee must be present (an absent one keeps the cases they hold).
    new_assignee = case.assignee_id != old.get("assignee_id", case.assignee_id)
    check_assignee(case.department_id, case.assignee, c, new=new_assignee)
    if case.status != old_status:
        step_guard(case, old_status, c, reason=reason, approved=approved)
    if case.status == Status.CLOSED and old_status != Status.CLOSED:
        case.closed_at = clock.now()
    elif case.status == Status.REOPENED and old_status == Status.CLOSED:
        case.closed_at = None


def check_category_offered(department_id: int, category: str, c: Collector) -> None:
    """A new case, or a case moved to another category, takes an active one its department
    sees (the default's and its adopted industries')."""
    offered = taxonomy.category_codes(department_id)
    if category and category not in offered:
        c.add(
            "category",
            _("%(category)r is not a category offered to this department (%(allowed)s)")
            % {"category": category, "allowed": ", ".join(offered) or "none"},
            "invalid_choice",
        )
