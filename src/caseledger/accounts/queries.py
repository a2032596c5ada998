from __future__ import annotations

from django.db.models import QuerySet

from caseledger.accounts.access import can, department_ids
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm


def assignable_users(*, actor: User, department_id: int | None = None) -> QuerySet[User]:
    """People the actor may assign a case of that department to."""
    qs = User.objects.filter(is_active=True).order_by("username")
    if department_id is not None:
        qs = qs.filter(department_id=department_id) | qs.filter(
            supervised_departments__id=department_id
        )
    return qs.distinct()


def visible_departments(*, actor: User, perm: Perm = Perm.CASE_VIEW) -> QuerySet[Department]:
    allowed = department_ids(actor, perm)
    qs = Department.objects.order_by("name")
    return qs if allowed is None else qs.filter(pk__in=allowed)


def may(actor: User, perm: Perm, department_id: int | None = None) -> bool:
    return can(actor, perm, department_id)
