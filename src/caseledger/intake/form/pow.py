"""The proof of work a browser does before it may file a complaint (ALTCHA PoW v2, the
`altcha` library): a challenge signed with a key derived from the site's secret, solved by
the vendored widget in Web Workers, verified here. Self-hosted: nothing leaves the site.

Expiry is ours, not the library's: it is signed into the challenge's data and checked
against `caseledger.core.clock`, so it follows the suite's clock in tests. A challenge files
one complaint only: the hash of its signature is stored with the filing (unique).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import altcha
from django.conf import settings

from caseledger.core import clock

PAYLOAD_MAX = 8192  # a real payload is well under 1 KiB


def _secret() -> bytes:
    # Its own key, derived: the site's secret itself never signs anything a visitor holds.
    return hashlib.sha256(b"caseledger.intake.pow\0" + settings.SECRET_KEY.encode()).digest()


def challenge() -> dict[str, Any]:
    """A fresh signed challenge, as the widget fetches it (JSON)."""
    expires = clock.now() + timedelta(minutes=settings.INTAKE_POW_MINUTES)
    made = altcha.create_challenge(
        algorithm=settings.INTAKE_POW_ALGORITHM,
        cost=settings.INTAKE_POW_COST,
        key_prefix=settings.INTAKE_POW_PREFIX,
        data={"exp": int(expires.timestamp())},
        hmac_secret=_secret(),
    )
    return made.to_dict()


@dataclass(frozen=True)
class Checked:
    ok: bool
    problem: str = ""  # missing | invalid | expired
    spent_id: str = ""  # sha256 of the challenge's signature, stored with the filing


def verify(payload: str) -> Checked:
    """Whether `payload` (the widget's base64 field) solves a challenge we signed that has
    not expired. Never raises on a visitor's bytes."""
    payload = (payload or "").strip()
    if not payload:
        return Checked(False, "missing")
    if len(payload) > PAYLOAD_MAX:
        return Checked(False, "invalid")
    try:
        result = altcha.verify_solution(payload, _secret())
        parsed = altcha.Payload.from_base64(payload) if result.verified else None
    except (ValueError, TypeError, KeyError, RecursionError):
        return Checked(False, "invalid")
    if parsed is None:
        return Checked(False, "invalid")
    data = parsed.challenge.parameters.data or {}
    expires = data.get("exp") if isinstance(data, dict) else None
    if not isinstance(expires, int) or expires < clock.now().timestamp():
        return Checked(False, "expired")
    signature = str(parsed.challenge.signature or "")
    return Checked(True, spent_id=hashlib.sha256(signature.encode()).hexdigest())
