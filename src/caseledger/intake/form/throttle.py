"""Rate limits of the public pages (django-ratelimit): per client address, per case
reference a guesser aims at, and overall, with the rates from settings. An address is the
one `accounts.throttle.client_address` trusts (behind the configured proxies)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from caseledger.accounts.throttle import client_address


def _address(group: str, request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def _everyone(group: str, request: HttpRequest) -> str:
    return "all"


def _reference(group: str, request: HttpRequest) -> str:
    return "".join(ch for ch in request.POST.get("reference", "").upper() if ch.isalnum())[:20]


def _limited(request: HttpRequest, group: str, limits: list[tuple[Any, str]]) -> bool:
    """Counts this request against every limit (so a refused guess still counts) and says
    whether any is exceeded. Each limit counts in its own group."""
    hit = False
    for key, rate in limits:
        hit |= is_ratelimited(
            request,
            group=f"{group}.{key.__name__}",
            key=key,
            rate=rate,
            method=ALL,
            increment=True,
        )
    return hit


def filing_limited(request: HttpRequest) -> bool:
    return _limited(
        request,
        "intake.form.file",
        [(_address, settings.INTAKE_FORM_RATE_IP), (_everyone, settings.INTAKE_FORM_RATE_ALL)],
    )


def status_limited(request: HttpRequest) -> bool:
    return _limited(
        request,
        "intake.form.status",
        [
            (_address, settings.INTAKE_STATUS_RATE_IP),
            (_reference, settings.INTAKE_STATUS_RATE_REFERENCE),
            (_everyone, settings.INTAKE_STATUS_RATE_ALL),
        ],
    )


def challenge_limited(request: HttpRequest) -> bool:
    return _limited(
        request, "intake.form.challenge", [(_address, settings.INTAKE_CHALLENGE_RATE_IP)]
    )
