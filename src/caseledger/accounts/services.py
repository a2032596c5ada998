"""Writes to departments, people and API tokens; each journaled, none ever logging a secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.actions import AccountsAction
from caseledger.accounts.models import ApiToken, Department, User
from caseledger.accounts.permissions import ROLE_VALUES, TOKEN_SCOPES, Perm, Role
from caseledger.core import clock
from caseledger.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction

USER_STATE_EXCLUDE = ("password", "last_login")
TOKEN_PREFIX = "clt_"  # noqa: S105  (a public prefix, not a secret)


def user_state(user: User) -> dict[str, Any]:
    state = model_state(user, exclude=USER_STATE_EXCLUDE)
    state["supervised_departments"] = (
        sorted(user.supervised_departments.values_list("id", flat=True)) if user.pk else []
    )
    return state


def department_create(*, actor: User | None, code: str, name: str) -> Department:
    if actor is not None:
        require(actor, Perm.DEPARTMENT_MANAGE)
    c = Collector()
    data = {"code": code, "name": name}
    code_clean = c.text(data, "code", required=True, max_length=40) or ""
    name_clean = c.text(data, "name", required=True, max_length=120) or ""
    if code_clean and not all(ch.isalnum() or ch in "-_" for ch in code_clean):
        c.add("code", "may hold only letters, digits, - and _")
    if code_clean and Department.objects.filter(code=code_clean).exists():
        c.add("code", f"department {code_clean!r} already exists", "duplicate")
    c.raise_if_any()
    with write_transaction():
        department = Department.objects.create(
            code=code_clean, name=name_clean, created_at=clock.now()
        )
        state = model_state(department)
        record_change(
            actor=actor,
            action=AccountsAction.DEPARTMENT_CREATE,
            object_type="department",
            object_id=str(department.pk),
            after=state,
            before=None,
        )
    return department


def department_update(
    *, actor: User | None, department: Department, data: Mapping[str, Any], reason: str = ""
) -> Department:
    """Rename a department or bring a deactivated one back (`is_active`). The code stays:
    it is how people and records name the department."""
    if actor is not None:
        require(actor, Perm.DEPARTMENT_MANAGE)
    c = Collector()
    c.unknown(data, ("name", "is_active"))
    with write_transaction():
        department = Department.objects.select_for_update().get(pk=department.pk)
        before = model_state(department)
        if "name" in data:
            department.name = c.text(data, "name", required=True, max_length=120) or ""
        if "is_active" in data:
            if not data["is_active"] and department.is_active:
                c.add("is_active", _("use department deactivate, which checks who is left"))
            department.is_active = bool(data["is_active"]) or department.is_active
        c.raise_if_any()
        department.save()
        after = model_state(department)
        if after != before:
            record_change(
                actor=actor,
                action=AccountsAction.DEPARTMENT_UPDATE,
                object_type="department",
                object_id=str(department.pk),
                after=after,
                before=before,
                reason=reason,
            )
    return department


def department_deactivate(*, actor: User | None, department: Department, reason: str) -> Department:
    """Close a department: nobody joins it any more; its records and history stay. Refused
    while active people still work in it (move them first), so no one is left stranded."""
    if actor is not None:
        require(actor, Perm.DEPARTMENT_MANAGE)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    c.raise_if_any()
    with write_transaction():
        department = Department.objects.select_for_update().get(pk=department.pk)
        if not department.is_active:
            raise Conflict(
                _("department %(code)s is already deactivated") % {"code": department.code},
                field="department",
            )
        members = sorted(
            {
                *User.objects.filter(is_active=True, department=department).values_list(
                    "username", flat=True
                ),
                *User.objects.filter(is_active=True, supervised_departments=department).values_list(
                    "username", flat=True
                ),
            }
        )
        if members:
            raise ValidationFailed(
                _("active people still work in %(code)s: %(names)s; move them first")
                % {"code": department.code, "names": ", ".join(members)},
                field="department",
                code="has_members",
            )
        before = model_state(department)
        department.is_active = False
        department.save(update_fields=["is_active"])
        after = model_state(department)
        record_change(
            actor=actor,
            action=AccountsAction.DEPARTMENT_DEACTIVATE,
            object_type="department",
            object_id=str(department.pk),
            after=after,
            before=before,
            reason=why,
        )
    return department


def _clean_roles(value: Any, c: Collector) -> list[str]:
    if isinstance(value, str):
        value = [r.strip() for r in value.split(",") if r.strip()]
    if not isinstance(value, list | tuple | set):
        c.add("roles", "must be a list of roles")
        return []
    roles = sorted(set(value))
    unknown = [r for r in roles if r not in ROLE_VALUES]
    if unknown:
        c.add(
            "roles",
            f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLE_VALUES)}",
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
    """`must_change_password` for a one-time password: the web asks for a new one first."""
    if actor is not None:
        require(actor, Perm.USER_MANAGE)
    c = Collector()
    data = {"username": username, "email": email}
    name = c.text(data, "username", required=True, max_length=150) or ""
    if name and User.objects.filter(username=name).exists():
        c.add("username", f"user {name!r} already exists", "duplicate")
    role_list = _clean_roles(roles, c)
    needs_department = set(role_list) & {Role.AGENT, Role.SUPERVISOR}
    if needs_department and department is None:
        c.add("department", "agents and supervisors belong to a department", "required")
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


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(
    *,
    actor: User | None,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token row and the token itself, which is never stored or shown again.
    `expires_at` (optional, in the future) ends it without a revocation."""
    if actor is not None and actor.pk != user.pk:
        require(actor, Perm.TOKEN_MANAGE)
    c = Collector()
    label = c.text({"name": name}, "name", required=True, max_length=80) or ""
    if expires_at is not None and expires_at <= clock.now():
        c.add("expires", "must be in the future", "invalid")
    unknown = [s for s in scopes if s not in TOKEN_SCOPES]
    if not scopes:
        c.add("scopes", f"at least one scope is needed: {', '.join(TOKEN_SCOPES)}", "required")
    elif unknown:
        c.add(
            "scopes",
            f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(TOKEN_SCOPES)}",
            "invalid_choice",
        )
    c.raise_if_any()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        token = ApiToken.objects.create(
            user=user,
            name=label,
            prefix=secret[:12],
            token_hash=_hash_token(secret),
            scopes=sorted(set(scopes)),
            created_at=clock.now(),
            expires_at=expires_at,
        )
        state = model_state(token, exclude=("token_hash",))
        record_change(
            actor=actor,
            action=AccountsAction.TOKEN_CREATE,
            object_type="token",
            object_id=str(token.pk),
            after=state,
            before=None,
        )
    return token, secret


def token_revoke(*, actor: User | None, token: ApiToken, reason: str = "") -> ApiToken:
    if actor is not None and actor.pk != token.user_id:
        require(actor, Perm.TOKEN_MANAGE)
    with write_transaction():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise Conflict(
                f"token {token.prefix}… was already revoked at {token.revoked_at.isoformat()}",
                field="token",
            )
        before = model_state(token, exclude=("token_hash",))
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        after = model_state(token, exclude=("token_hash",))
        record_change(
            actor=actor,
            action=AccountsAction.TOKEN_REVOKE,
            object_type="token",
            object_id=str(token.pk),
            after=after,
            before=before,
            reason=reason,
        )
    return token


def token_authenticate(secret: str) -> User:
    """The user behind a bearer token, carrying the token's scopes. Raises NotFound."""
    if not secret.startswith(TOKEN_PREFIX):
        raise NotFound("unknown token", field="authorization")
    token = ApiToken.objects.select_related("user").filter(token_hash=_hash_token(secret)).first()
    now = clock.now()
    if (
        token is None
        or token.revoked_at is not None
        or not token.user.is_active
        or (token.expires_at is not None and token.expires_at <= now)
    ):
        raise NotFound("unknown, revoked or expired token", field="authorization")
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # Bookkeeping, not a change of the record: throttled and not journaled.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    user.token_scopes = list(token.scopes)  # type: ignore[attr-defined]
    user.token_id = token.pk  # type: ignore[attr-defined]
    return user


def lockout_record(
    *,
    actor: User | None,
    username: str | None,
    address: str | None,
    kind: str,
    locked_by: list[str],
    failures: int,
    until: Any,
) -> None:
    """Journal that sign-in throttling (accounts.throttle) locked an account or an address.

    The throttle calls it as the system (actor None); a person may not forge one. Names an
    account only when one exists by that name: a name that matches no account may be a
    password typed into the wrong box, and the journal keeps nothing it may not keep.
    """
    if actor is not None:
        raise PermissionDenied("only the sign-in throttle records lockouts", code="forbidden")
    account = User.objects.filter(username=username).first() if username else None
    state = {
        "kind": kind,
        "account": account.get_username() if account else None,
        "address": address,
        "locked_by": sorted(locked_by),
        "failures": failures,
        "until": until.isoformat() if until is not None else None,
    }
    object_id = f"user:{account.pk}" if account else f"address:{address or 'unknown'}"
    with write_transaction():
        record_change(
            actor=None,
            action=AccountsAction.LOGIN_LOCKOUT,
            object_type="lockout",
            object_id=object_id,
            after=state,
        )


def lockout_clear(
    *, actor: User | None, username: str | None = None, address: str | None = None, reason: str
) -> int:
    """Lift a sign-in lockout early: forget the counted failures of an account or an address
    (`caseledger lockout clear`). Returns how many failures were forgotten."""
    from axes.models import AccessAttempt

    if actor is not None:
        require(actor, Perm.USER_MANAGE)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    if not username and not address:
        c.add("user", "name an account or an address to unlock", "required")
    c.raise_if_any()
    attempts = AccessAttempt.objects.none()
    if username:
        attempts = attempts | AccessAttempt.objects.filter(username=username)
    if address:
        attempts = attempts | AccessAttempt.objects.filter(ip_address=address)
    with write_transaction():
        forgotten = sum(a.failures_since_start for a in attempts)
        AccessAttempt.objects.filter(pk__in=[a.pk for a in attempts]).delete()
        account = User.objects.filter(username=username).first() if username else None
        state = {"account": account.get_username() if account else username, "address": address}
        object_id = f"user:{account.pk}" if account else f"address:{address or username}"
        record_change(
            actor=actor,
            action=AccountsAction.LOGIN_UNLOCK,
            object_type="lockout",
            object_id=object_id,
            after={**state, "failures_forgotten": forgotten},
            reason=why,
        )
    return forgotten
