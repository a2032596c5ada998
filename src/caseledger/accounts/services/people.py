"""People: create, update, passwords, and the last administrator's protection."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.actions import AccountsAction
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import ROLE_VALUES, Perm, Role
from caseledger.core.errors import ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction

USER_STATE_EXCLUDE = ("password", "last_login")


def password_check(user: User) -> str:
    """A digest of the stored password hash, journaled in its place: a hash swapped in the
    database (someone's account made to open with a password the swapper knows) differs
    from the journal (`journal verify --records`). It reveals nothing a guesser could use:
    it is a digest of a salted, slow hash."""
    return hashlib.sha256(f"caseledger-password:{user.password}".encode()).hexdigest()


def user_state(user: User) -> dict[str, Any]:
    state = model_state(user, exclude=USER_STATE_EXCLUDE)
    state["password_check"] = password_check(user)
    state["supervised_departments"] = (
        sorted(user.supervised_departments.values_list("id", flat=True)) if user.pk else []
    )
    return state


def _clean_roles(value: Any, c: Collector) -> list[str]:
    if isinstance(value, str):
        value = [r.strip() for r in value.split(",") if r.strip()]
    if not isinstance(value, list | tuple | set):
        c.add("roles", _("must be a list of roles"))
        return []
    roles = sorted(set(value))
    unknown = [r for r in roles if r not in ROLE_VALUES]
    if unknown:
        c.add(
            "roles",
            _("unknown role(s) %(unknown)s; known: %(known)s")
            % {"unknown": ", ".join(unknown), "known": ", ".join(ROLE_VALUES)},
            "invalid_choice",
        )
    return roles


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    roles: list[str],
    department: Department | None = None,
    supervised: list[Department] | None = None,
    email: str = "",
    full_name: str = "",
    must_change_password: bool = False,
) -> User:
    """`must_change_password` for a one-time password: the web asks for a new one first.

    Long because every field is checked into one Collector, so a refusal names every problem
    at once."""
    if actor is not None:
        require(actor, Perm.USER_MANAGE)
    c = Collector()
    data = {"username": username, "email": email}
    name = c.text(data, "username", required=True, max_length=150) or ""
    if name and User.objects.filter(username=name).exists():
        c.add("username", _("user %(name)r already exists") % {"name": name}, "duplicate")
    role_list = _clean_roles(roles, c)
    needs_department = set(role_list) & {Role.AGENT, Role.SUPERVISOR}
    if needs_department and department is None:
        c.add("department", _("agents and supervisors belong to a department"), "required")
    for placed in [department, *(supervised or [])]:
        if placed is not None and not placed.is_active:
            c.add(
                "department",
                _("department %(code)s is deactivated") % {"code": placed.code},
                "inactive",
            )
    if password is not None:
        try:
            validate_password(password)
        except DjangoValidationError as exc:
            c.add("password", " ".join(exc.messages), "weak_password")
    c.raise_if_any()
    with write_transaction():
        user = User(
            username=name,
            email=email,
            roles=role_list,
            department=department,
            first_name=full_name[:150],
            must_change_password=must_change_password,
        )
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        if supervised:
            user.supervised_departments.set(supervised)
        state = user_state(user)
        record_change(
            actor=actor,
            action=AccountsAction.USER_CREATE,
            object_type="user",
            object_id=str(user.pk),
            after=state,
            before=None,
        )
    return user


USER_EDIT_FIELDS = (
    "roles",
    "department",
    "is_active",
    "email",
    "full_name",
    "supervised_departments",
)


def _check_placement(user: User, supervised: list[Department] | None, c: Collector) -> None:
    """Agents and supervisors work in an active department; nobody joins a closed one."""
    if set(user.roles) & {Role.AGENT, Role.SUPERVISOR} and user.department_id is None:
        c.add("department", _("agents and supervisors belong to a department"), "required")
    if user.department is not None and not user.department.is_active:
        c.add(
            "department",
            _("department %(code)s is deactivated") % {"code": user.department.code},
            "inactive",
        )
    closed = [d.code for d in supervised or [] if not d.is_active]
    if closed:
        c.add(
            "supervised_departments",
            _("deactivated department(s): %(codes)s") % {"codes": ", ".join(closed)},
            "inactive",
        )


def _last_admin(user: User) -> bool:
    """Whether user is the only active administrator: nobody could manage people then."""
    if Role.ADMINISTRATOR not in user.roles or not user.is_active:
        return False
    others = User.objects.filter(is_active=True).exclude(pk=user.pk).values_list("roles", flat=True)
    return not any(Role.ADMINISTRATOR in (roles or []) for roles in others)


def ensure_not_last_admin(user: User, field: str) -> None:
    if _last_admin(user):
        raise ValidationFailed(
            _("%(who)s is the last active administrator; make another one first")
            % {"who": user.username},
            field=field,
            code="last_admin",
        )


def user_update(
    *, actor: User | None, user: User, data: Mapping[str, Any], reason: str = ""
) -> User:
    """Edit a person: roles, home department, departments supervised, e-mail, name.

    Deactivating someone with open work is offboarding (workflow.services.user_deactivate),
    which moves that work first; this service only flips the flag.
    """
    if actor is not None:
        require(actor, Perm.USER_MANAGE)
    c = Collector()
    c.unknown(data, USER_EDIT_FIELDS)
    with write_transaction():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = user_state(user)
        if "roles" in data and Role.ADMINISTRATOR not in _clean_roles(data["roles"], Collector()):
            ensure_not_last_admin(user, "roles")
        if "is_active" in data and not data["is_active"]:
            ensure_not_last_admin(user, "is_active")
        if "roles" in data:
            user.roles = _clean_roles(data["roles"], c)
        if "department" in data:
            user.department = data["department"]
        if "is_active" in data:
            user.is_active = bool(data["is_active"])
        if "email" in data:
            user.email = c.text(data, "email", max_length=254) or ""
        if "full_name" in data:
            user.first_name = c.text(data, "full_name", max_length=150) or ""
        supervised = (
            list(data["supervised_departments"]) if "supervised_departments" in data else None
        )
        if user.is_active:
            _check_placement(user, supervised, c)
        c.raise_if_any()
        user.save()
        if supervised is not None:
            user.supervised_departments.set(supervised)
        after = user_state(user)
        if after != before:
            record_change(
                actor=actor,
                action=AccountsAction.USER_UPDATE,
                object_type="user",
                object_id=str(user.pk),
                after=after,
                before=before,
                reason=reason,
            )
    return user


def generated_password() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits


def user_password_reset(*, actor: User | None, user: User, reason: str = "") -> str:
    """A new generated password for someone who lost theirs, returned once to be handed
    over; never stored except as its hash, never journaled, never logged."""
    if actor is not None:
        require(actor, Perm.USER_MANAGE)
    if not user.is_active:
        raise ValidationFailed(
            _("%(who)s is deactivated") % {"who": user.username}, field="user", code="inactive"
        )
    password = generated_password()
    with write_transaction():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_change(
            actor=actor,
            action=AccountsAction.USER_PASSWORD_RESET,
            object_type="user",
            object_id=str(user.pk),
            after=user_state(user),
            changes={"password": ["(set)", "(reset)"]},
            reason=reason,
        )
    return password


def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    if actor is not None and actor.pk != user.pk:
        require(actor, Perm.USER_MANAGE)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            " ".join(exc.messages), field="password", code="weak_password"
        ) from exc
    with write_transaction():
        user.set_password(password)
        # Someone else setting it makes it one-time again; the person themselves, final.
        was_forced = user.must_change_password
        user.must_change_password = actor is not None and actor.pk != user.pk
        user.save(update_fields=["password", "must_change_password"])
        changes: dict[str, Any] = {"password": ["(set)", "(changed)"]}
        if was_forced != user.must_change_password:
            changes["must_change_password"] = [was_forced, user.must_change_password]
        # The journal records that the password changed, never the password or its hash.
        record_change(
            actor=actor,
            action=AccountsAction.USER_PASSWORD,
            object_type="user",
            object_id=str(user.pk),
            after=user_state(user),
            changes=changes,
        )


def user_password_rehashed(user: User, raw_password: str) -> None:
    """Django stores a password again under the preferred hasher (more iterations after an
    upgrade, another algorithm) when its owner signs in: journaled, so the new hash is not
    taken for a swapped one. Called by User.check_password, the owner as the actor."""
    with write_transaction():
        user.set_password(raw_password)
        user.save(update_fields=["password"])
        record_change(
            actor=user,
            action=AccountsAction.USER_PASSWORD_REHASH,
            object_type="user",
            object_id=str(user.pk),
            after=user_state(user),
            changes={"password": ["(hash)", "(stored again under the preferred hasher)"]},
        )
