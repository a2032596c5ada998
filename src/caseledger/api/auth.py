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
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from caseledger.accounts import throttle
from caseledger.accounts.models import User
from caseledger.accounts.services import token_authenticate
from caseledger.api.errors import error_response
from caseledger.core.context import via
from caseledger.core.errors import NotFound, Throttled, ValidationFailed


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # An address that guessed too many tokens (or passwords) is refused before the
        # token is even looked at, so a locked guesser learns nothing from the answer.
        if not throttle.token_allowed(request):
            until = throttle.locked_until(request, throttle.token_credentials())
            # axes keeps its attempts on the wall clock, not on caseledger's injected one.
            wait = max(1, int((until - timezone.now()).total_seconds())) if until else None  # noqa: TID251
            raise Throttled(
                _("too many wrong tokens from this address; try again later"), retry_after=wait
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
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with via("api"):
            refused = _nul_in(request)
            if refused is not None:  # outside ninja's handlers here: answered directly
                return error_response(422, "invalid", refused.message, refused.field)
            return run(request, *args, **kwargs)

    return wrapper


def _nul_in(request: HttpRequest) -> ValidationFailed | None:
    """No text caseledger keeps may hold a NUL character (PostgreSQL's text cannot, SQLite's
    would cut it short in places): a query parameter with one is refused by name, on both
    engines alike, before anything reads it. A JSON body's NUL is refused where it is
    parsed (api/parser.py), whatever the body's Content-Type."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return ValidationFailed(
                _("must not contain a NUL character"), field=name.replace("\x00", "")
            )
    return None
