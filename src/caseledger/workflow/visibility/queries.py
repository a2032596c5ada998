"""The visibility settings and whether a person sees a field of a case's customer in full."""

from __future__ import annotations

from caseledger.accounts.access import can, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm, Role
from caseledger.cases.models import Case
from caseledger.workflow.models import FieldVisibility, Visibility

FIELDS = ("phone", "email")
# Without a row: agents see the phone of their own cases' customers; the rest is masked.
DEFAULTS = {(Role.AGENT.value, "phone"): Visibility.ASSIGNED.value}


def settings_table() -> dict[tuple[str, str], str]:
    """(role, field) -> scope, for every role and field (defaults where no row says)."""
    table = {
        (role.value, name): DEFAULTS.get((role.value, name), Visibility.MASKED.value)
        for role in Role
        for name in FIELDS
    }
    for row in FieldVisibility.objects.all():
        table[(row.role, row.field)] = row.scope
    return table


def visibility_list(*, actor: User) -> dict[tuple[str, str], str]:
    require(actor, Perm.SETTINGS_MANAGE)
    return settings_table()


def sees_full(user: User, case: Case, field: str) -> bool:
    """Whether one of the user's roles shows them the field of this case's customer in
    full: on cases assigned to them, or on every case of their departments."""
    if not user.is_active or not can(user, Perm.CASE_VIEW, case.department_id):
        return False
    table = settings_table()
    for role in user.roles:
        scope = table.get((role, field), Visibility.MASKED.value)
        if scope == Visibility.DEPARTMENT.value:
            return True
        if scope == Visibility.ASSIGNED.value and case.assignee_id == user.pk:
            return True
    return False
