"""Departments: create, update, deactivate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.actions import AccountsAction
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction


def department_create(*, actor: User | None, code: str, name: str) -> Department:
    if actor is not None:
        require(actor, Perm.DEPARTMENT_MANAGE)
    c = Collector()
    data = {"code": code, "name": name}
    code_clean = c.text(data, "code", required=True, max_length=40) or ""
    name_clean = c.text(data, "name", required=True, max_length=120) or ""
    if code_clean and not all(ch.isalnum() or ch in "-_" for ch in code_clean):
        c.add("code", _("may hold only letters, digits, - and _"))
    if code_clean and Department.objects.filter(code=code_clean).exists():
        c.add(
            "code",
            _("department %(code)r already exists") % {"code": code_clean},
            "duplicate",
        )
    c.raise_if_any()
    with write_transaction():
        department = Department.objects.create(
            code=code_clean, name=name_clean, created_at=clock.now()
        )
        state = model_state(department)
        record_change(
            actor=actor,
            action=AccountsAction.DEPARTMENT_CREATE,
            object_type="department",
            object_id=str(department.pk),
            after=state,
            before=None,
        )
    return department


def department_update(
    *, actor: User | None, department: Department, data: Mapping[str, Any], reason: str = ""
) -> Department:
    """Rename a department, bring a deactivated one back (`is_active`), or make it the one
    the public complaint form files to (`public_form`: true switches the form off in any
    other department, each change journaled; false closes the form here). The code stays:
    it is how people and records name the department."""
    if actor is not None:
        require(actor, Perm.DEPARTMENT_MANAGE)
    c = Collector()
    c.unknown(data, ("name", "is_active", "public_form"))
    with write_transaction():
        department = Department.objects.select_for_update().get(pk=department.pk)
        before = model_state(department)
        if "name" in data:
            department.name = c.text(data, "name", required=True, max_length=120) or ""
        if "is_active" in data:
            if not data["is_active"] and department.is_active:
                c.add("is_active", _("use department deactivate, which checks who is left"))
            department.is_active = bool(data["is_active"]) or department.is_active
        if "public_form" in data:
            department.public_form = bool(data["public_form"])
            if department.public_form and not department.is_active:
                c.add("public_form", _("a deactivated department cannot take the public form"))
        c.raise_if_any()
        if department.public_form:
            _close_form_elsewhere(actor, department, reason)
        department.save()
        after = model_state(department)
        if after != before:
            record_change(
                actor=actor,
                action=AccountsAction.DEPARTMENT_UPDATE,
                object_type="department",
                object_id=str(department.pk),
                after=after,
                before=before,
                reason=reason,
            )
    return department


def department_deactivate(*, actor: User | None, department: Department, reason: str) -> Department:
    """Close a department: nobody joins it any more; its records and history stay. Refused
    while active people still work in it (move them first), so no one is left stranded."""
    if actor is not None:
        require(actor, Perm.DEPARTMENT_MANAGE)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    c.raise_if_any()
    with write_transaction():
        department = Department.objects.select_for_update().get(pk=department.pk)
        if not department.is_active:
            raise Conflict(
                _("department %(code)s is already deactivated") % {"code": department.code},
                field="department",
            )
        members = sorted(
            {
                *User.objects.filter(is_active=True, department=department).values_list(
                    "username", flat=True
                ),
                *User.objects.filter(is_active=True, supervised_departments=department).values_list(
                    "username", flat=True
                ),
            }
        )
        if members:
            raise ValidationFailed(
                _("active people still work in %(code)s: %(names)s; move them first")
                % {"code": department.code, "names": ", ".join(members)},
                field="department",
                code="has_members",
            )
        before = model_state(department)
        department.is_active = False
        department.save(update_fields=["is_active"])
        after = model_state(department)
        record_change(
            actor=actor,
            action=AccountsAction.DEPARTMENT_DEACTIVATE,
            object_type="department",
            object_id=str(department.pk),
            after=after,
            before=before,
            reason=why,
        )
    return department


def _close_form_elsewhere(actor: User | None, department: Department, reason: str) -> None:
    """The form files to one department: the one that had it stops taking it."""
    others = Department.objects.select_for_update().filter(public_form=True)
    for other in others.exclude(pk=department.pk):
        before = model_state(other)
        other.public_form = False
        other.save(update_fields=["public_form"])
        record_change(
            actor=actor,
            action=AccountsAction.DEPARTMENT_UPDATE,
            object_type="department",
            object_id=str(other.pk),
            after=model_state(other),
            before=before,
            reason=reason or _("the public form now files to %(code)s") % {"code": department.code},
        )
