"""Lookup codes: what a customer holds to see their case's status. Shown once and e-mailed;
only a hash is stored, and every comparison takes the same time whether it matches or not."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford's base32 without I, L, O, U: nothing to misread on a phone or on paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12  # 60 bits: unguessable behind the status page's rate limits
_READ_AS = {"I": "1", "L": "1", "O": "0", "U": "V"}


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalize(code: str) -> str:
    """The code as typed (lower case, spaces, dashes, O for 0) to its canonical form."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "".join(_READ_AS.get(ch, ch) for ch in cleaned)


def code_hash(reference: str, code: str) -> str:
    return hashlib.sha256(f"{reference.upper()}:{normalize(code)}".encode()).hexdigest()


def matches(stored_hash: str, reference: str, code: str) -> bool:
    return hmac.compare_digest(stored_hash, code_hash(reference, code))
