"""API tokens: create (the secret shown once, sha256 at rest), revoke, authenticate."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.actions import AccountsAction
from caseledger.accounts.models import ApiToken, User
from caseledger.accounts.permissions import TOKEN_SCOPES, Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, NotFound
from caseledger.core.lookup import by_unique
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction

TOKEN_PREFIX = "clt_"  # noqa: S105  (a public prefix, not a secret)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_state(token: ApiToken) -> dict[str, Any]:
    """The token as journaled: never its stored hash, but `token_check`, a digest of that
    hash, so a hash swapped in the database (someone's token made to answer to a secret the
    swapper knows) differs from the journal (`journal verify --records`). The check value
    reveals nothing: it is a digest of a digest of 256 random bits."""
    state = model_state(token, exclude=("token_hash",))
    state["token_check"] = hashlib.sha256(
        f"caseledger-token:{token.token_hash}".encode()
    ).hexdigest()
    return state


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
        c.add("expires", _("must be in the future"), "invalid")
    unknown = [s for s in scopes if s not in TOKEN_SCOPES]
    if not scopes:
        c.add(
            "scopes",
            _("at least one scope is needed: %(known)s") % {"known": ", ".join(TOKEN_SCOPES)},
            "required",
        )
    elif unknown:
        c.add(
            "scopes",
            _("unknown scope(s) %(unknown)s; known: %(known)s")
            % {"unknown": ", ".join(unknown), "known": ", ".join(TOKEN_SCOPES)},
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
        state = token_state(token)
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
                _("token %(token_prefix)s… was already revoked at %(token_revoked_at)s")
                % {"token_prefix": token.prefix, "token_revoked_at": token.revoked_at.isoformat()},
                field="token",
            )
        before = token_state(token)
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        after = token_state(token)
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
        raise NotFound(_("unknown token"), field="authorization")
    # Two look-ups by unique column in plain SQL (core.lookup): every API request makes them,
    # and the ORM's join cost more to build than to run (docs/benchmarks.md, issue 16).
    token = by_unique(ApiToken, "token_hash", _hash_token(secret))
    holder = by_unique(User, "id", token.user_id) if token is not None else None
    now = clock.now()
    if (
        token is None
        or holder is None
        or token.revoked_at is not None
        or not holder.is_active
        or (token.expires_at is not None and token.expires_at <= now)
    ):
        raise NotFound(_("unknown, revoked or expired token"), field="authorization")
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # Bookkeeping, not a change of the record: throttled and not journaled.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user = holder
    user = holder
    user.token_scopes = list(token.scopes)  # type: ignore[attr-defined]
    user.token_id = token.pk  # type: ignore[attr-defined]
    return user
