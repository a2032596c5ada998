"""First-run set-up shared by `createadmin` and `up`: the first administrator.

The one-time password is returned to the caller to print once and then dropped: it is
never logged, never journaled and never stored except as its hash.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from django.utils.translation import gettext as _

from caseledger.core.errors import ValidationFailed

PASSWORD_ENV = "CASELEDGER_ADMIN_PASSWORD"  # noqa: S105 (a variable name, not a secret)


@dataclass(frozen=True)
class NewAdmin:
    username: str
    password: str
    generated: bool


def generated_password() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits


def password_from_env(*, required: bool) -> str | None:
    value = os.environ.get(PASSWORD_ENV, "")
    if not value and required:
        raise ValidationFailed(_("%(name)s is not set") % {"name": PASSWORD_ENV}, field="password")
    return value or None


def has_active_admin() -> bool:
    from caseledger.accounts.models import User
    from caseledger.accounts.permissions import Role

    # roles is a JSON list; containment lookups differ by engine, and admins are few.
    return any(
        Role.ADMINISTRATOR.value in (roles or [])
        for roles in User.objects.filter(is_active=True).values_list("roles", flat=True)
    )


def admin_create(*, username: str, password: str | None) -> NewAdmin:
    from caseledger.accounts.permissions import Role
    from caseledger.accounts.services import user_create

    chosen = password or generated_password()
    user_create(
        actor=None,
        username=username,
        password=chosen,
        roles=[Role.ADMINISTRATOR],
        must_change_password=password is None,  # a printed one-time password
    )
    return NewAdmin(username=username, password=chosen, generated=password is None)


def login_text(admin: NewAdmin) -> str:
    source = (
        _("a one-time password, shown only now: you choose your own at the first login")
        if admin.generated
        else _("the password from %(name)s") % {"name": PASSWORD_ENV}
    )
    lines = [_("Administrator: %(username)s") % {"username": admin.username}, f"  ({source})"]
    if admin.generated:
        lines.insert(1, _("Password:      %(password)s") % {"password": admin.password})
    return "\n".join(lines)
