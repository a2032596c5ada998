"""A schema refusal in the reader's language: pydantic's error types said in our words.

pydantic writes its messages in English ("Input should be a valid integer"); a client that
asked for zh-Hans got them untranslated inside a Chinese answer. Each error type a request can
meet is said here through gettext, with pydantic's own limits (`ctx`) filled in; a type not
listed falls back to "is invalid" followed by pydantic's English detail.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

CODES = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "literal_error": "invalid_choice",
    "enum": "invalid_choice",
}

# pydantic's tag for one branch of a union ("department": an id or a code), not a field:
# "constrained-int", "function-after[_iso_time(), datetime]", "int".
_BRANCH = re.compile(r"^([a-z]+(-[a-z]+)+(\[.*\])?|[a-z_]+\[.*\]|int|str|float|bool)$", re.S)


def _messages() -> dict[str, str]:
    whole = _("must be a whole number")
    text = _("must be text")
    when = _("must be an ISO 8601 time with an offset, e.g. 2026-03-01T09:30:00+08:00")
    day = _("must be a date, e.g. 2026-03-01")
    obj = _("must be a JSON object")
    return {
        "missing": _("is required"),
        "extra_forbidden": _("is not a field that can be set here"),
        "int_type": whole,
        "int_parsing": whole,
        "int_from_float": whole,
        "int_parsing_size": whole,
        "float_type": _("must be a number"),
        "float_parsing": _("must be a number"),
        "finite_number": _("must be a number"),
        "bool_type": _("must be true or false"),
        "bool_parsing": _("must be true or false"),
        "string_type": text,
        "string_unicode": _("must be text without unpaired surrogates (\\ud800-\\udfff)"),
        "string_sub_type": text,
        "string_too_short": _("must be at least %(min_length)s characters"),
        "string_too_long": _("must be at most %(max_length)s characters"),
        "string_pattern_mismatch": _("must not be blank"),
        "greater_than_equal": _("must be at least %(ge)s"),
        "greater_than": _("must be more than %(gt)s"),
        "less_than_equal": _("must be at most %(le)s"),
        "less_than": _("must be less than %(lt)s"),
        "too_short": _("must have at least %(min_length)s items"),
        "too_long": _("must have at most %(max_length)s items"),
        "list_type": _("must be a list"),
        "dict_type": obj,
        "model_type": obj,
        "model_attributes_type": obj,
        "datetime_type": when,
        "datetime_parsing": when,
        "datetime_from_date_parsing": when,
        "datetime_object_invalid": when,
        "timezone_aware": when,
        "date_type": day,
        "date_parsing": day,
        "date_from_datetime_parsing": day,
        "date_from_datetime_inexact": day,
        "enum": _("must be one of %(expected)s"),
        "literal_error": _("must be one of %(expected)s"),
        "json_invalid": _("is not valid JSON"),
    }


def message(item: dict[str, Any]) -> str:
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])  # our validators' own (translated) words, without a prefix
    known = _messages().get(kind)
    if known is None:
        return _("is invalid (%(detail)s)") % {"detail": item.get("msg", kind)}
    try:
        return known % {key: str(value) for key, value in ctx.items()}
    except (KeyError, TypeError, ValueError):
        return known


def field_name(loc: tuple | list, *, branches: bool = False) -> str:
    """("body", "payload", "contact_points", 0, "value") -> "contact_points[0].value";
    ("body", "payload", "department", "constrained-int") -> "department" (`branches`: the
    last part is a name the client sent, an unknown field, and stays whatever it is)."""
    parts = list(loc[1:])
    if branches:
        last = parts[-1:]
        parts = [p for p in parts[:-1] if not (isinstance(p, str) and _BRANCH.match(p))] + last
    else:
        parts = [p for p in parts if not (isinstance(p, str) and _BRANCH.match(p))]
    if loc and loc[0] == "body" and parts and parts[0] == "payload":
        parts = parts[1:]
    if loc and loc[0] == "file" and len(parts) > 1:
        parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or str(loc[0] if loc else "body")


def field_errors(raw: list[dict[str, Any]]) -> list[dict[str, str]]:
    """One entry a field: a value refused by every branch of a union is said once, by the
    first branch (an id: its bounds), not once per branch under pydantic's branch tags."""
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in raw:
        kind = item.get("type", "")
        name = field_name(item.get("loc", ()), branches=kind == "extra_forbidden")
        if name in seen:
            continue
        seen.add(name)
        code = CODES.get(kind, "invalid")
        errors.append({"code": code, "field": name, "message": message(item)})
    return errors
