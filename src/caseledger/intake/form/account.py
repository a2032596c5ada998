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
    """The department the form files to, or None while the form is closed: the one named
    by CASELEDGER_FORM_DEPARTMENT (settings.INTAKE_FORM_DEPARTMENT), which overrides the
    web UI; else the one an administrator chose (`Department.public_form`); else, while
    nobody chose, the only active department there is."""
    code = settings.INTAKE_FORM_DEPARTMENT
    if code:
        return Department.objects.filter(code=code, is_active=True).first()
    active = Department.objects.filter(is_active=True)
    chosen = active.filter(public_form=True).first()
    if chosen is not None:
        return chosen
    only = list(active[:2])
    if len(only) == 1 and only[0].public_form is None:
        return only[0]
    return None


def form_source() -> str:
    """How the form's department is decided: "setting" (the environment variable),
    "chosen" (an administrator), "only" (the only department) or "closed"."""
    if settings.INTAKE_FORM_DEPARTMENT:
        return "setting" if form_department() is not None else "closed"
    department = form_department()
    if department is None:
        return "closed"
    return "chosen" if department.public_form else "only"


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
