"""How the API reads a JSON body: UTF-8 text, one JSON value, no NUL character anywhere.

ninja reads a body as JSON whatever its Content-Type says (text/plain, none at all), so the
checks live here, where every JSON body passes, not on the Content-Type: a NUL sent as
text/plain was stored (SQLite) while the same body as application/json was refused.
A failure here reaches `errors._http_error` as the cause of ninja's 400 and is answered by
what it is: not UTF-8, not JSON, nested too deeply (400), or a NUL in a named field (422).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from caseledger.core.errors import ValidationFailed


class JsonBody(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        text = request.body.decode("utf-8")  # UnicodeDecodeError: the body is not UTF-8
        data = json.loads(text)
        if "\\u0000" in text:  # the only way a NUL gets into valid JSON
            where = nul_at(data)
            if where is not None:
                raise ValidationFailed(
                    _("must not contain a NUL character (\\u0000)"), field=where or "body"
                )
        return data


def nul_at(value: Any, path: str = "") -> str | None:
    """The field ("contact_points[0].value") whose key or text holds a NUL, else None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                return name.replace("\x00", "")
            found = nul_at(item, name)
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_at(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None
