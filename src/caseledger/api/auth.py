"""Bearer tokens: the user behind the token, carrying the token's scopes.

The scopes only narrow what the user's roles allow (accounts.access intersects them), so a
token can never do more than its owner.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from caseledger.accounts import throttle
from caseledger.accounts.models import User
from caseledger.accounts.services import token_authenticate
from caseledger.core.context import via
from caseledger.core.errors import NotFound, Throttled


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # An address that guessed too many tokens (or passwords) is refused before the
        # token is even looked at, so a locked guesser learns nothing from the answer.
        if not throttle.token_allowed(request):
            until = throttle.locked_until(request, throttle.token_credentials())
            # axes keeps its attempts on the wall clock, not on caseledger's injected one.
            wait = max(1, int((until - timezone.now()).total_seconds())) if until else None  # noqa: TID251
            raise Throttled(
                "too many wrong tokens from this address; try again later", retry_after=wait
            )
        try:
            return token_authenticate(token.strip())
        except NotFound:
            throttle.token_failed(request)
            return None


def actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def as_api(run: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps every operation, authentication included, so the journal records via=api."""

    @functools.wraps(run)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with via("api"):
            return run(*args, **kwargs)

    return wrapper
