"""Sessions kept in the database by a digest of their key, never the key itself.

The session cookie holds a random key; Django's database backend stores that key as the
row's primary key, so anyone who can read the table could sign in as every person logged
in (an administrator's session copied into a cookie). Here the row holds the key's SHA-256
(hex, cut to the column's 40 characters: 160 bits, from a key of ~190 random bits), the way
API tokens are kept: reading the table gives nothing to present. Everything else is
Django's `db` backend (SESSION_ENGINE = "caseledger.accounts.sessions")."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone


def stored_key(session_key: str) -> str:
    """What the table holds for a cookie's session key."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:40]


def _live(store: db.SessionStore) -> dict[str, Any]:
    # Django's SessionBase dates expiry from the wall clock (timezone.now), so the row is
    # judged by the same clock, as Django's own backend does.
    return {
        "session_key": stored_key(store.session_key or ""),
        "expire_date__gt": timezone.now(),  # noqa: TID251
    }


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        try:
            return self.model.objects.get(**_live(self))
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            self._session_key = None
            return None

    async def _aget_session_from_db(self) -> Any:
        try:
            return await self.model.objects.aget(**_live(self))
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            self._session_key = None
            return None

    def exists(self, session_key: str) -> bool:
        return super().exists(stored_key(session_key))

    async def aexists(self, session_key: str) -> bool:
        return await super().aexists(stored_key(session_key))

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        row = super().create_model_instance(data)
        row.session_key = stored_key(row.session_key)
        return row

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        row = await super().acreate_model_instance(data)
        row.session_key = stored_key(row.session_key)
        return row

    def delete(self, session_key: str | None = None) -> None:
        key = session_key if session_key is not None else self.session_key
        if key is not None:
            super().delete(stored_key(key))

    async def adelete(self, session_key: str | None = None) -> None:
        key = session_key if session_key is not None else self.session_key
        if key is not None:
            await super().adelete(stored_key(key))
