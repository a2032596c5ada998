"""When a privacy request is due (the answer's deadline, not a record's retention deadline: that
is `retention/deadlines.py`): PRIVACY_REQUEST_DAYS after receipt, counted in calendar
days, or in working days (no weekends, no dates listed in CASELEDGER_HOLIDAYS_FILE) when
PRIVACY_REQUEST_WORKING_DAYS is on. The holiday file is one ISO date a line; '#' starts a
comment. A plain file rather than a calendar package: China's make-up working days change
every year and operators publish them anyway."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from caseledger.core import clock


def holidays(path: Path | str | None = None) -> frozenset[dt.date]:
    path = path if path is not None else settings.HOLIDAYS_FILE
    if not path or not Path(path).exists():
        return frozenset()
    days = set()
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            days.add(dt.date.fromisoformat(line))
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {line!r} is not a date (YYYY-MM-DD)") from exc
    return frozenset(days)


def due_date(received: dt.date, *, days: int | None = None, working: bool | None = None) -> dt.date:
    days = settings.PRIVACY_REQUEST_DAYS if days is None else days
    working = settings.PRIVACY_REQUEST_WORKING_DAYS if working is None else working
    if not working:
        return received + dt.timedelta(days=days)
    off = holidays()
    day, left = received, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


def today() -> dt.date:
    # Due dates are calendar days where the company works: the configured zone.
    return timezone.localdate(clock.now())
