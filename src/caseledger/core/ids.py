"""Is this text an id, a number of ASCII digits? The one test every look-up by id asks.

`str.isdigit()` is true for "²⁰⁰" (superscript digits), which `int()` and the database refuse:
a look-up that asked `isdigit()` and then queried answered `GET /api/v1/cases/²⁰⁰` with a 500.
And "٢٠٠" (Arabic-Indic digits) is a number to Python, found case 200, but is nothing anybody
typed as an id: ids are ASCII digits, anything else is looked up as a code or not found.
"""

from __future__ import annotations


def is_id(text: str) -> bool:
    return text.isascii() and text.isdigit()
