"""Answering "may this actor do this to that?" from the grants in permissions.py.

It lives in core, below the journal and accounts, because every floor checks permissions,
the journal's reads included (ADR 0011); `caseledger.accounts.access` re-exports it."""

from __future__ import annotations

from typing import Any, NoReturn

from caseledger.core import hooks
from caseledger.core.errors import PermissionDenied
from caseledger.core.permissions import GRANTS, TOKEN_SCOPES, Perm, Scope

# An accounts.models.User (or a token's user): core stands below accounts, so the checks
# read the actor's attributes (is_active, role_set(), department_id, supervised_departments).
User = Any

# The hook that words a refusal (accounts.refusals.refusal).
REFUSAL = "access.refusal"

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
    if not can(actor, perm, department_id):
        refuse(actor, perm, department_id)


def require_token_scope(actor: User, perm: Perm) -> None:
    """For the actor's own records (their subscriptions, their preferences), which any of
    their roles may keep: a token still needs a scope covering perm, so a token made for
    one job cannot reach another. Sessions and the CLI always pass."""
    if not _token_allows(actor, perm):
        refuse(actor, perm)


def refuse(actor: User | None, perm: Perm, department_id: int | None = None) -> NoReturn:
    """The refusal `require` raises (also for checks that combine permissions themselves),
    in the actor's language, saying what they may do instead. The words come from accounts
    (`accounts.refusals`, registered as the hook `access.refusal`): they name roles and
    departments, which live above core."""
    scopes = getattr(actor, "token_scopes", None)
    # The token, not the role, is what stops this: the refusal names the scope then.
    by_token = actor is not None and scopes is not None and not _token_allows(actor, perm)
    allowed = department_ids(actor, perm) if actor is not None and not by_token else set()
    words = hooks.one(REFUSAL)(
        actor=actor, perm=perm, department_id=department_id, allowed=allowed, by_token=by_token
    )
    raise PermissionDenied(words, field="scope" if by_token else "permission", code="forbidden")
