"""The one clock. Tests freeze it instead of sleeping."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    return _fixed if _fixed is not None else dt.datetime.now(tz=dt.UTC)


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
