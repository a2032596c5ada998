"""The journal's view of one record: its entries with diffs, and its state at a moment.

Callers first check that the actor may see the record (through its scoped query).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from caseledger.core.errors import ValidationFailed
from caseledger.journal.queries import history, state_as_of


def check_as_of(as_of: dt.datetime | None) -> None:
    if as_of is not None and as_of.tzinfo is None:
        raise ValidationFailed(
            _("must include a time zone offset (e.g. +08:00 or Z)"),
            field="as_of",
            code="naive_datetime",
        )


def history_out(
    object_type: str, object_id: Any, as_of: dt.datetime | None, items: list[Any] | None = None
) -> dict:
    """The record's entries (its parts' too: notes, attachments, contact points)."""
    check_as_of(as_of)
    root = f"{object_type}:{object_id}"
    return {
        "object": root,
        "as_of": as_of,
        "state": state_as_of(object_type, str(object_id), as_of, masked=True),
        "items": history(root, until=as_of, masked=True) if items is None else items,
    }
