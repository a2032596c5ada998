"""The demo's departments and people, made through the account services (they are few)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from caseledger.accounts.models import Department, User
from caseledger.accounts.services import department_create, user_create
from caseledger.demo.profiles import DEPARTMENTS
from caseledger.demo.rows import Staff

AGENTS_PER_DEPARTMENT = 3
# (username, roles) of the people who work across departments.
CROSS_DEPARTMENT = [
    ("records", ["records_manager"]),
    ("compliance", ["compliance"]),
    ("auditor", ["auditor"]),
    ("admin", ["administrator"]),
]


@dataclass
class DemoPeople:
    password: str
    password_generated: bool
    staff: dict[str, Staff]
    created: list[tuple[str, str]] = field(default_factory=list)  # (username, roles)
    existing: list[str] = field(default_factory=list)


def demo_password() -> tuple[str, bool]:
    configured = os.environ.get("CASELEDGER_DEMO_PASSWORD", "")
    if configured:
        return configured, False
    return "demo-" + secrets.token_urlsafe(12), True


def ensure_people(password: str, generated: bool) -> DemoPeople:
    """Departments and users the demo needs; existing ones (same code or username) are kept
    as they are, password included."""
    people = DemoPeople(password=password, password_generated=generated, staff={})

    def user(
        username: str,
        roles: list[str],
        department: Department | None = None,
        supervised: list[Department] | None = None,
    ) -> User:
        found = User.objects.filter(username=username).first()
        if found is not None:
            people.existing.append(username)
            return found
        people.created.append((username, ",".join(roles)))
        return user_create(
            actor=None,
            username=username,
            password=password,
            roles=roles,
            department=department,
            supervised=supervised or [],
            email=f"{username}@example.com",
        )

    for code, name in DEPARTMENTS:
        department = Department.objects.filter(code=code).first() or department_create(
            actor=None, code=code, name=name
        )
        agents = tuple(
            user(f"{code}.agent{i}", ["agent"], department).pk
            for i in range(1, AGENTS_PER_DEPARTMENT + 1)
        )
        supervisor = user(f"{code}.supervisor", ["supervisor"], department, [department]).pk
        people.staff[code] = Staff(department.pk, agents, supervisor)
    for username, roles in CROSS_DEPARTMENT:
        user(username, roles)
    _open_public_form()
    return people


def _open_public_form() -> None:
    """The demo's public complaint form files to customer service, so a new user can try
    /complain/ at once; a choice made before (any department's) is left alone."""
    from caseledger.accounts.services import department_update

    if Department.objects.filter(public_form__isnull=False).exists():
        return
    service = Department.objects.filter(code="service", is_active=True).first()
    if service is not None:
        department_update(
            actor=None,
            department=service,
            data={"public_form": True},
            reason="demo: the public complaint form files to customer service",
        )
