from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, department_ids
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.core.permissions import GRANTS, Scope


def assignable_users(*, actor: User, department_id: int | None = None) -> QuerySet[User]:
    """Active people who may work cases of that department; without one, of any department
    the actor may work. Never a deactivated person, never a role that cannot work cases."""
    if department_id is not None:
        wanted: list[int | None] = [department_id]
    else:
        allowed = department_ids(actor, Perm.CASE_MODIFY)
        wanted = [None] if allowed is None else [*sorted(allowed)]
    return _case_workers(wanted)


def assignee_choices(*, actor: User) -> QuerySet[User]:
    """The choices of a case list's assignee filter: active people who may work cases of a
    department whose cases the actor sees; not the whole staff (an agent does not learn who
    works in other departments, and nobody is offered a role that holds no case). One
    query, the grants read as roles and departments (`granted`)."""
    allowed = department_ids(actor, Perm.CASE_VIEW)
    if allowed is not None and not allowed:
        return User.objects.none()
    return (
        User.objects.filter(granted(Perm.CASE_MODIFY, allowed), is_active=True)
        .distinct()
        .order_by("username")
    )


def granted(perm: Perm, departments: Collection[int] | None) -> Q:
    """People whose roles grant `perm` in one of `departments` (None: in any department),
    as a filter on users, read from the grants as core.access.can reads them: a role that
    grants it everywhere, or a member (or supervisor, where the grant says so) of one of
    them. Someone in no department holds no departmental grant."""
    near = Q(pk__in=[])
    for role, grants in GRANTS.items():
        scope = grants.get(perm)
        if scope is None:
            continue
        has_role = Q(roles__icontains=f'"{role.value}"')
        if scope == Scope.ALL:
            near |= has_role
        elif departments is None:
            where = Q(department__isnull=False)
            if scope == Scope.SUPERVISED:
                where |= Q(supervised_departments__isnull=False)
            near |= has_role & where
        elif scope == Scope.SUPERVISED:
            near |= has_role & (
                Q(department__in=departments) | Q(supervised_departments__in=departments)
            )
        else:
            near |= has_role & Q(department__in=departments)
    return near


def _case_workers(wanted: list[int | None]) -> QuerySet[User]:
    people = User.objects.filter(is_active=True).prefetch_related("supervised_departments")
    ids = [person.pk for person in people if any(can(person, Perm.CASE_MODIFY, d) for d in wanted)]
    return User.objects.filter(pk__in=ids).order_by("username")


def visible_departments(*, actor: User, perm: Perm = Perm.CASE_VIEW) -> QuerySet[Department]:
    allowed = department_ids(actor, perm)
    qs = Department.objects.order_by("name")
    return qs if allowed is None else qs.filter(pk__in=allowed)


def may(actor: User, perm: Perm, department_id: int | None = None) -> bool:
    return can(actor, perm, department_id)


def department_by(ref: Any, *, field: str = "department") -> Department:
    """A department by its code or id, with an error naming what was not found."""
    text = str(ref or "").strip()
    found = Department.objects.filter(code=text).first()
    if found is None and is_id(text):
        found = Department.objects.filter(pk=int(text)).first()
    if found is None:
        raise NotFound(_("department %(ref)s does not exist") % {"ref": text or "''"}, field=field)
    return found


def user_by(ref: Any, *, field: str = "user") -> User:
    """A person by username or id."""
    text = str(ref or "").strip()
    found = User.objects.filter(username=text).first()
    if found is None and is_id(text):
        found = User.objects.filter(pk=int(text)).first()
    if found is None:
        raise NotFound(_("user %(ref)s does not exist") % {"ref": text or "''"}, field=field)
    return found
