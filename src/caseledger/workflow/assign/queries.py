"""Who is present, who may be given a case, the rules and the absence calendar."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from caseledger.accounts.access import can, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.cases.queries import case_get
from caseledger.core import clock
from caseledger.workflow.models import Absence, AssignmentRule


def today() -> dt.date:
    return timezone.localdate(clock.now())


def absent_ids(on: dt.date | None = None) -> set[int]:
    """The people with an absence covering the day (today, local time)."""
    day = on or today()
    return set(
        Absence.objects.filter(cancelled_at__isnull=True, starts_on__lte=day, ends_on__gte=day)
        .values_list("user_id", flat=True)
        .distinct()
    )


def absence_of(user: User, on: dt.date | None = None) -> Absence | None:
    day = on or today()
    return (
        Absence.objects.filter(
            user=user, cancelled_at__isnull=True, starts_on__lte=day, ends_on__gte=day
        )
        .order_by("-ends_on")
        .first()
    )


def may_work(department_id: int) -> list[User]:
    """Active, present people who may work cases of the department, by name: whom a case of
    it may be given (a rule, a reassignment, the assignee lists of the web and the API)."""
    away = absent_ids()
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(department_id=department_id) | Q(supervised_departments__id=department_id))
        .distinct()
        .order_by("username", "id")
    )
    return [u for u in people if u.pk not in away and can(u, Perm.CASE_MODIFY, department_id)]


def assignees_for(*, actor: User, case_id: int | str) -> list[User]:
    """The people the actor may offer as the case's assignee (the actor must see the case)."""
    case = case_get(actor=actor, case_id=case_id)
    return may_work(case.department_id)


def rule_list(*, actor: User) -> QuerySet[AssignmentRule]:
    require(actor, Perm.SETTINGS_MANAGE)
    return AssignmentRule.objects.select_related("department").order_by("position", "id")


def absence_list(*, actor: User, user: User | None = None) -> QuerySet[Absence]:
    """A person's own absences; an administrator's view of everyone's (or one person's)."""
    if user is None or user.pk != actor.pk:
        require(actor, Perm.USER_MANAGE)
    qs = Absence.objects.select_related("user").filter(cancelled_at__isnull=True)
    if user is not None:
        qs = qs.filter(user=user)
    return qs.filter(ends_on__gte=today() - dt.timedelta(days=90)).order_by("starts_on", "id")


def open_case_counts(user_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from caseledger.cases.models import Status

    rows = (
        Case.objects.filter(assignee_id__in=user_ids, archived_at__isnull=True)
        .exclude(status=Status.CLOSED)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    return {r["assignee_id"]: r["n"] for r in rows}
