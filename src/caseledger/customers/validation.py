"""Contact point checks: phone numbers through `phonenumbers` (CN by default), e-mail shape."""

from __future__ import annotations

import functools

import phonenumbers
from django.utils.translation import gettext, gettext_noop

from caseledger.core.validate import email_ok


def normalize_contact(kind: str, value: str) -> tuple[str | None, str | None]:
    """(normalized value, None) or (None, what is wrong, in the active language)."""
    normalized, problem = _normalize(kind, value)
    if problem is None:
        return normalized, None
    return None, gettext(problem) % {"value": value.strip()}


# Parsing a phone number costs tens of microseconds; an import repeats the same numbers.
# The cache holds the untranslated msgid: the same number may be refused to readers of
# different languages.
@functools.lru_cache(maxsize=65536)
def _normalize(kind: str, value: str) -> tuple[str | None, str | None]:
    value = value.strip()
    if not value:
        return None, gettext_noop("must not be empty")
    if kind == "phone":
        try:
            number = phonenumbers.parse(value, "CN")
        except phonenumbers.NumberParseException:
            return None, gettext_noop("%(value)r is not a phone number")
        if not phonenumbers.is_valid_number(number):
            return None, gettext_noop("%(value)r is not a valid phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
    if kind == "email":
        if not email_ok(value) or len(value) > 254:
            return None, gettext_noop("%(value)r is not an e-mail address")
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}", None
    if len(value) > 300:
        return None, gettext_noop("is longer than 300 characters")
    return value, None
