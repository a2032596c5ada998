"""Answering "may this actor do this to that?" from the grants in permissions.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from caseledger.accounts.permissions import GRANTS, TOKEN_SCOPES, Perm, Scope
from caseledger.core.errors import PermissionDenied

if TYPE_CHECKING:
    from caseledger.accounts.models import User

_SCOPE_RANK = {Scope.OWN: 1, Scope.SUPERVISED: 2, Scope.ALL: 3}


def _token_allows(actor: User, perm: Perm) -> bool:
    scopes = getattr(actor, "token_scopes", None)
    if scopes is None:  # a session or the CLI, not a token
        return True
    return any(perm in TOKEN_SCOPES.get(s, frozenset()) for s in scopes)


def widest_scope(actor: User, perm: Perm) -> Scope | None:
    if actor is None or not actor.is_active or not _token_allows(actor, perm):
        return None
    best: Scope | None = None
    for role in actor.role_set():
        scope = GRANTS.get(role, {}).get(perm)
        if scope and (best is None or _SCOPE_RANK[scope] > _SCOPE_RANK[best]):
            best = scope
    return best


def department_ids(actor: User, perm: Perm) -> set[int] | None:
    """The departments whose records the actor may touch with perm; None means all of them."""
    scope = widest_scope(actor, perm)
    if scope is None:
        return set()
    if scope == Scope.ALL:
        return None
    ids = {actor.department_id} if actor.department_id else set()
    if scope == Scope.SUPERVISED:
        cached = getattr(actor, "_supervised_ids", None)
        if cached is None:
            cached = set(actor.supervised_departments.values_list("id", flat=True))
            actor._supervised_ids = cached  # type: ignore[attr-defined]
        ids |= cached
    return ids


def can(actor: User, perm: Perm, department_id: int | None = None) -> bool:
    allowed = department_ids(actor, perm)
    if allowed is None:
        return True
    if department_id is None:
        return bool(allowed) or widest_scope(actor, perm) is not None
    return department_id in allowed


def require(actor: User, perm: Perm, department_id: int | None = None) -> None:
    """Refuse in the actor's language, saying what they may do instead (accounts.refusals)."""
    if not can(actor, perm, department_id):
        refuse(actor, perm, department_id)


def refuse(actor: User | None, perm: Perm, department_id: int | None = None) -> NoReturn:
    """The refusal `require` raises, for checks that combine permissions themselves."""
    from caseledger.accounts.refusals import role_refusal, token_refusal

    scopes = getattr(actor, "token_scopes", None)
    if actor is not None and scopes is not None and not _token_allows(actor, perm):
        # The token, not the role, is what stops this: say which scope would do.
        raise PermissionDenied(token_refusal(list(scopes), perm), field="scope", code="forbidden")
    allowed = department_ids(actor, perm) if actor is not None else set()
    raise PermissionDenied(
        role_refusal(actor, perm, department_id, allowed), field="permission", code="forbidden"
    )
