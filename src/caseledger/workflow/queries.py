"""Who owns which open work: the administration page's people list (last login, open work,
tokens) and the count of open items still owned by deactivated people, which /healthz
reports and which offboarding keeps at 0."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from caseledger.accounts.access import require
from caseledger.accounts.models import ApiToken, Department, User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, Status
from caseledger.disposition.models import OPEN_STATUSES as OPEN_BATCHES
from caseledger.disposition.models import DispositionBatch
from caseledger.privacy.models import OPEN_STATUSES as OPEN_REQUESTS
from caseledger.privacy.models import PrivacyRequest
from caseledger.retention.models import LegalHold, Reminder

# The kinds of work a person can own, in the order offboarding moves them.
ITEM_KINDS = ("case", "privacy_request", "hold", "disposition_batch", "reminder")


def _check(actor: User | None) -> None:
    """None is the system itself (the CLI without --as); anyone else needs user.view."""
    if actor is not None:
        require(actor, Perm.USER_VIEW)


def open_cases() -> QuerySet[Case]:
    return Case.objects.exclude(status=Status.CLOSED)


def owned(user_filter: Q | dict[str, Any]) -> dict[str, QuerySet]:
    """The open items whose owner matches user_filter (a filter on User), per kind."""
    # The matching people's ids as a list, not a subquery: each table is then read through
    # its owner index for those few people (a subquery let SQLite scan a million open cases
    # for /healthz: 2.9 s), and an empty list costs no query at all.
    ids = (
        list(User.objects.filter(user_filter).values_list("pk", flat=True))
        if isinstance(user_filter, Q)
        else None
    )

    def by(field: str) -> dict[str, Any]:
        if ids is not None:
            return {f"{field}__in": ids}
        return {field: user_filter["user"]}  # type: ignore[index]

    return {
        "case": open_cases().filter(**by("assignee")).order_by("pk"),
        "privacy_request": PrivacyRequest.objects.filter(
            status__in=OPEN_REQUESTS, **by("handler")
        ).order_by("pk"),
        "hold": LegalHold.objects.filter(released_at__isnull=True, **by("owner")).order_by("pk"),
        "disposition_batch": DispositionBatch.objects.filter(
            status__in=OPEN_BATCHES, **by("proposed_by")
        ).order_by("pk"),
        "reminder": Reminder.objects.filter(read_at__isnull=True, **by("recipient")).order_by("pk"),
    }


def owned_by(user: User) -> dict[str, QuerySet]:
    return owned({"user": user})


def orphaned_counts() -> dict[str, int]:
    """Open items owned by deactivated people, per kind. Must stay 0."""
    return {kind: qs.count() for kind, qs in owned(Q(is_active=False)).items()}


def orphan_health() -> dict[str, Any]:
    """The /healthz check: every count 0, or which kind of work was left behind."""
    counts = orphaned_counts()
    return {"ok": not any(counts.values()), "total": sum(counts.values()), **counts}


@dataclass(frozen=True)
class PersonRow:
    user: User
    open_cases: int
    active_tokens: int
    token_last_used: Any


def _among(field: str, pks: list[int]) -> dict[str, Any]:
    """Count for a page's rows only; a whole list (the API's) is counted whole, rather than
    naming thousands of ids in one statement."""
    return {f"{field}__in": pks} if len(pks) <= 500 else {f"{field}__isnull": False}


def people_overview(*, actor: User | None, show_inactive: bool = True) -> list[PersonRow]:
    """Everyone, with last login, open cases and live tokens (for administrators)."""
    return people_rows(people_list(actor=actor, show_inactive=show_inactive))


def people_list(*, actor: User | None, show_inactive: bool = True) -> QuerySet[User]:
    """Everyone, active first, by username: a screen pages it, then people_rows."""
    _check(actor)
    users = User.objects.select_related("department").prefetch_related("supervised_departments")
    if not show_inactive:
        users = users.filter(is_active=True)
    return users.order_by("-is_active", "username")


def people_rows(users: Iterable[User]) -> list[PersonRow]:
    """The given people with their open cases and live tokens (counted for them only)."""
    users = list(users)
    pks = [u.pk for u in users]
    work = dict(
        open_cases()
        .filter(**_among("assignee", pks))
        .values_list("assignee")
        .annotate(n=Count("pk"))
        .values_list("assignee", "n")
    )
    tokens: dict[int, list[ApiToken]] = {}
    for token in ApiToken.objects.filter(revoked_at__isnull=True, **_among("user", pks)):
        tokens.setdefault(token.user_id, []).append(token)
    rows = []
    for user in users:
        live = tokens.get(user.pk, [])
        used = [t.last_used_at for t in live if t.last_used_at]
        rows.append(
            PersonRow(
                user=user,
                open_cases=work.get(user.pk, 0),
                active_tokens=len(live),
                token_last_used=max(used) if used else None,
            )
        )
    return rows


def department_overview(*, actor: User | None) -> list[dict[str, Any]]:
    return department_rows(department_list(actor=actor))


def department_list(*, actor: User | None) -> QuerySet[Department]:
    """Every department, active first, by name: a screen pages it, then department_rows."""
    _check(actor)
    return Department.objects.order_by("-is_active", "name")


def department_rows(departments: Iterable[Department]) -> list[dict[str, Any]]:
    departments = list(departments)
    pks = [d.pk for d in departments]
    members = dict(
        User.objects.filter(is_active=True, department__isnull=False, **_among("department", pks))
        .values_list("department")
        .annotate(n=Count("pk"))
        .values_list("department", "n")
    )
    work = dict(
        open_cases()
        .filter(**_among("department", pks))
        .values_list("department")
        .annotate(n=Count("pk"))
        .values_list("department", "n")
    )
    queue = dict(
        open_cases()
        .filter(assignee__isnull=True, **_among("department", pks))
        .values_list("department")
        .annotate(n=Count("pk"))
        .values_list("department", "n")
    )
    return [
        {
            "department": d,
            "members": members.get(d.pk, 0),
            "open_cases": work.get(d.pk, 0),
            "queue": queue.get(d.pk, 0),
        }
        for d in departments
    ]


def person_tokens(*, actor: User | None, user: User) -> QuerySet[ApiToken]:
    _check(actor)
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def owned_summary(*, actor: User | None, user: User) -> dict[str, int]:
    """What offboarding user would move, per kind (shown before it is done)."""
    _check(actor)
    return {kind: qs.count() for kind, qs in owned_by(user).items()}
