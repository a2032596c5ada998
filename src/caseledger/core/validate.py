"""Small validators that collect every problem with an input before refusing it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.core.errors import ValidationFailed

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The days any date or time caseledger keeps may fall on. Past them there is no complaint to
# record, only a typo, and arithmetic on them overflows Python's dates: a case received on
# 0001-01-01 (the repeat window looks 30 days earlier) or a list "received to 9999-12-31"
# (the next midnight) was a 500.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


def out_of_range(value: dt.date) -> str | None:
    """Why `value` (a date, or an aware time, compared in UTC) is refused, or None."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:
                return _range_message()
        value = value.date()
    if FIRST_DAY <= value <= LAST_DAY:
        return None
    return _range_message()


def _range_message() -> str:
    return _("must fall between %(first)s and %(last)s") % {
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
    }


class Collector:
    """Gathers field errors, then raises them together so a form shows them all at once."""

    def __init__(self) -> None:
        self.errors: list[ValidationFailed] = []

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.errors.append(ValidationFailed(message, field=field, code=code))

    def text(
        self, data: Mapping[str, Any], field: str, *, required: bool = False, max_length: int = 200
    ) -> str | None:
        if field not in data:
            if required:
                self.add(field, _("is required"), "required")
            return None
        value = data[field]
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(field, _("must be text"))
            return None
        value = value.strip()
        if "\x00" in value:
            # Never meaningful in text, and PostgreSQL refuses it in a text column.
            self.add(field, _("must not contain the NUL character (U+0000)"), "nul")
            value = value.replace("\x00", "")
        if required and not value:
            self.add(field, _("must not be empty"), "required")
        elif len(value) > max_length:
            self.add(
                field,
                _("is %(length)d characters long; at most %(max)d allowed")
                % {"length": len(value), "max": max_length},
                "too_long",
            )
        return value

    def choice(
        self, data: Mapping[str, Any], field: str, choices: Iterable[str], *, required: bool = False
    ) -> str | None:
        allowed = choices if isinstance(choices, tuple | list) else list(choices)
        if field not in data or data[field] in (None, ""):
            if required:
                self.add(
                    field,
                    _("is required; one of %(allowed)s") % {"allowed": ", ".join(allowed)},
                    "required",
                )
            return None
        value = data[field]
        if value not in allowed:
            self.add(
                field,
                _("%(value)r is not one of %(allowed)s")
                % {"value": value, "allowed": ", ".join(allowed)},
                "invalid_choice",
            )
            return None
        return value

    def integer(
        self, data: Mapping[str, Any], field: str, *, minimum: int, maximum: int
    ) -> int | None:
        if field not in data or data[field] in (None, ""):
            return None
        value = data[field]
        try:
            number = int(value)
            if isinstance(value, float | bool) or str(number) != str(value).strip():
                raise ValueError
        except (TypeError, ValueError):
            self.add(field, _("%(value)r is not a whole number") % {"value": value})
            return None
        if not minimum <= number <= maximum:
            self.add(
                field,
                _("must be between %(min)d and %(max)d, got %(got)d")
                % {"min": minimum, "max": maximum, "got": number},
                "out_of_range",
            )
            return None
        return number

    def moment(self, data: Mapping[str, Any], field: str) -> dt.datetime | None:
        if field not in data or data[field] in (None, ""):
            return None
        value = data[field]
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                self.add(field, _("%(value)r is not an ISO 8601 date and time") % {"value": value})
                return None
        if not isinstance(value, dt.datetime):
            self.add(field, _("must be a date and time"))
            return None
        if value.tzinfo is None:
            self.add(field, _("must include a time zone offset (e.g. +08:00)"), "naive_datetime")
            return None
        return self._in_range(field, value)

    def _in_range(self, field: str, value: Any) -> Any:
        refused = out_of_range(value)
        if refused is not None:
            self.add(field, refused, "out_of_range")
            return None
        return value

    def day(self, data: Mapping[str, Any], field: str) -> dt.date | None:
        if field not in data or data[field] in (None, ""):
            return None
        value = data[field]
        if isinstance(value, dt.datetime):
            return self._in_range(field, value.date())
        if isinstance(value, dt.date):
            return self._in_range(field, value)
        try:
            return self._in_range(field, dt.date.fromisoformat(str(value)))
        except ValueError:
            self.add(field, _("%(value)r is not a date (YYYY-MM-DD)") % {"value": value})
            return None

    def tags(self, data: Mapping[str, Any], field: str) -> list[str] | None:
        if field not in data or data[field] is None:
            return None
        value = data[field]
        if isinstance(value, str):
            value = [t for t in (p.strip() for p in value.split(",")) if t]
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            self.add(field, _("must be a list of words"))
            return None
        cleaned = sorted({t.strip() for t in value if t.strip()})
        if any(len(t) > 40 for t in cleaned):
            self.add(field, _("each tag must be at most 40 characters"), "too_long")
        return cleaned

    def unknown(self, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
        for key in sorted(set(data) - set(allowed)):
            self.add(key, _("is not a field that can be set here"), "unknown_field")

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        if len(self.errors) == 1:
            raise self.errors[0]
        first = self.errors[0]
        raise ValidationFailed(
            "; ".join(str(e) for e in self.errors),
            field=first.field,
            code=first.code,
            errors=list(self.errors),
        )


def email_ok(value: str) -> bool:
    return bool(_EMAIL.match(value))
