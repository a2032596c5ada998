"""Throttling of password sign-ins and API token guessing, on django-axes.

Axes counts failures by account and by address (docs/operations/security.md) in its own
tables; this module decides what it counts, where the address comes from behind a proxy,
and journals each lockout as it begins (`accounts.services.lockout_record`).

What axes keeps: the account name tried, the address, the user agent and when; never the
request's query or body (a search or a form may carry a customer's personal data), which
this module blanks before axes sees the request.
"""

from __future__ import annotations

import copy
import ipaddress
from datetime import datetime, timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.http import HttpRequest, QueryDict

from caseledger.core.context import via

TOKEN = "token"  # noqa: S105  (the kind of credential, not a secret)
PASSWORD = "password"  # noqa: S105


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind CASELEDGER_PROXY_COUNT trusted proxies
    the entry of X-Forwarded-For the outermost trusted proxy wrote (clients can prepend
    anything to that header; they cannot append after our own proxies)."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "PROXY_COUNT", 0)
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


def lockout_parameters(request: Any, credentials: dict | None) -> list[str]:
    """A password sign-in counts against the account and the address; a wrong token (which
    names no account) against the address only."""
    if credentials and credentials.get("kind") == TOKEN:
        return ["ip_address"]
    return ["username", "ip_address"]


class ThrottleBackend(AxesStandaloneBackend):
    """Refuses every sign-in attempt while the account or the address is locked out.

    Only sign-ins that come with a request are throttled; code that authenticates without
    one (the test client, a shell) is not a network path an attacker can reach.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def _blank(request: HttpRequest) -> HttpRequest:
    """A copy of the request without its query and body, for axes to record."""
    clean = copy.copy(request)
    clean.GET = QueryDict()
    clean.POST = QueryDict()
    return clean


class JournaledHandler(AxesDatabaseHandler):
    """Axes' database handler that journals a lockout when it begins."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return None
        clean: Any = _blank(request)
        super().user_login_failed(sender, credentials, clean, **kwargs)
        if not (credentials and credentials.get("kind") == TOKEN):
            # The middleware answers a locked password sign-in with the lockout page; the
            # API answers a locked address itself (api.auth), as JSON.
            request.axes_locked_out = clean.axes_locked_out
            request.axes_credentials = getattr(clean, "axes_credentials", None)
        # With AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off, a failure is counted only
        # while the attempt was allowed: a count that reaches the limit now starts a lockout.
        if clean.axes_locked_out and clean.axes_failures_since_start is not None:
            self._journal(clean, credentials)
        return None

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        # Every API request asks this before its token is looked at. A token lockout counts
        # the address only, and nearly every address has no failure on record: one indexed
        # lookup answers that, where axes' aggregate cost more than the rest of
        # authentication (docs/benchmarks.md, issue 16). Any row at all: axes decides.
        from axes.models import AccessAttempt

        address = getattr(request, "axes_ip_address", None)
        if (
            credentials
            and credentials.get("kind") == TOKEN
            and address is not None
            and not _attempts_from(AccessAttempt._meta.db_table, address)
        ):
            return False
        return super().is_locked(request, credentials)

    def _journal(self, request: HttpRequest, credentials: dict) -> None:
        from caseledger.accounts.services import lockout_record

        limit = get_failure_limit(request, credentials)
        params = get_lockout_parameters(request, credentials)
        counts = [
            sum(a.failures_since_start for a in attempts)
            for attempts in self.get_user_attempts(request, credentials)
        ]
        locked_by = [str(p) for p, n in zip(params, counts, strict=False) if n >= limit]
        kind = credentials.get("kind", PASSWORD) if credentials else PASSWORD
        with via("api" if kind == TOKEN else "web"):
            lockout_record(
                actor=None,
                username=credentials.get("username") if credentials else None,
                address=request.axes_ip_address,  # type: ignore[attr-defined]
                kind=kind,
                locked_by=locked_by,
                failures=max(counts, default=0),
                until=locked_until(request, credentials),
            )


def _attempts_from(table: str, address: str) -> bool:
    # Plain SQL: asked on every API request, and building the ORM's exists() cost more
    # than running it (docs/benchmarks.md, "case_create after issue 12").
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE ip_address = %s LIMIT 1", [address])
        return cursor.fetchone() is not None


def locked_until(request: HttpRequest, credentials: dict | None) -> datetime | None:
    """When the newest lockout that holds this attempt ends (None: no cool-off set)."""
    cool_off: timedelta | None = get_cool_off(request)
    if cool_off is None:
        return None
    handler = AxesProxyHandler.get_implementation()
    limit = get_failure_limit(request, credentials)
    ends = []
    for attempts in handler.get_user_attempts(request, credentials):
        rows = list(attempts)
        if sum(a.failures_since_start for a in rows) >= limit:
            ends.append(max(a.attempt_time for a in rows) + cool_off)
    return max(ends, default=None)


def token_allowed(request: HttpRequest) -> bool:
    """False while the request's address is locked out (by wrong tokens or passwords)."""
    return AxesProxyHandler.is_allowed(request, token_credentials())


def token_failed(request: HttpRequest) -> None:
    """Count a wrong, revoked or expired token against the request's address."""
    user_login_failed.send(sender=__name__, credentials=token_credentials(), request=request)


def token_credentials() -> dict[str, Any]:
    return {"username": None, "kind": TOKEN}
