"""Who files a complaint from the public form: a service account per department, an agent
of that department that cannot sign in (no usable password). The journal names it as the
actor of every filing; the filing's own entry names the submission."""

from __future__ import annotations

from django.conf import settings

from caseledger.accounts.models import Department, User
from caseledger.accounts.services import user_create
from caseledger.core.errors import ValidationFailed

PREFIX = "web-form-"


def form_department() -> Department | None:
    """The department the form files to (settings.INTAKE_FORM_DEPARTMENT), if it is open."""
    code = settings.INTAKE_FORM_DEPARTMENT
    if not code:
        return None
    return Department.objects.filter(code=code, is_active=True).first()


def form_account(department: Department) -> User:
    username = f"{PREFIX}{department.code}"[:150]
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    try:
        return user_create(
            actor=None,
            username=username,
            password=None,
            roles=["agent"],
            department=department,
            full_name="Public complaint form",
        )
    except ValidationFailed:  # created meanwhile by a filing in another process
        return User.objects.get(username=username)
