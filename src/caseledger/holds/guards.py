"""Legal-hold guards that customers and cases call before every change (ADR 0011).

retention.holds answers them; retention registers it in its AppConfig.ready(). If nothing
is registered, `hooks.one` raises: a guard never lets a write through by default.
"""

from __future__ import annotations

from typing import Any

from caseledger.core import hooks

ENSURE_NOT_HELD = "holds.ensure_not_held"
HELD_CASE_IDS = "holds.held_case_ids"


def ensure_not_held(*, case: Any = None, customer: Any = None) -> None:
    """Held (409, naming each matter) while a legal hold covers the case or customer."""
    hooks.one(ENSURE_NOT_HELD)(case=case, customer=customer)


def held_case_ids(case_ids: list[int]) -> set[int]:
    """Which of these cases a legal hold covers."""
    result: set[int] = hooks.one(HELD_CASE_IDS)(case_ids)
    return result
