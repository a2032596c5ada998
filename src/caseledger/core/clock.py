"""The one clock. Tests freeze it instead of sleeping.

`CASELEDGER_CLOCK_SHIFT` (seconds, read once at import) moves the whole clock by a fixed
amount: the test suite runs at a date drawn from a printed seed (tests/plugins/clock_shift.py)
and passes the shift to the processes it starts, so a test that mixes the wall clock with a
fixed date fails on the day it is written. Nothing sets it in production.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator

_fixed: dt.datetime | None = None
_shift = dt.timedelta(seconds=float(os.environ.get("CASELEDGER_CLOCK_SHIFT") or 0))


def now() -> dt.datetime:
    if _fixed is not None:
        return _fixed
    return dt.datetime.now(tz=dt.UTC) + _shift


def shift_by(offset: dt.timedelta) -> None:
    """Move the running clock (and, through the environment, the processes started from
    here) by `offset`; the date-shift test plugin's only entry point."""
    global _shift
    _shift = offset
    os.environ["CASELEDGER_CLOCK_SHIFT"] = repr(offset.total_seconds())


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    global _fixed
    if at.tzinfo is None:
        raise ValueError("the clock only takes aware datetimes")
    previous, _fixed = _fixed, at
    try:
        yield
    finally:
        _fixed = previous
