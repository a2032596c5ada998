"""Moments as integer microseconds since the epoch (UTC), and their two text forms: what the
database stores and what the journal's state holds (`journal.canonical.format_time`).

Formatting a million datetimes through `datetime` is the slow part of a bulk load; these
build the same strings from integer arithmetic and a per-day cache.
"""

from __future__ import annotations

import bisect
import datetime as dt
from zoneinfo import ZoneInfo

DAY_US = 86_400_000_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def to_us(moment: dt.datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)


class TimeText:
    """`db_suffix` is "" for SQLite (Django stores naive UTC text) and "+00:00" for
    PostgreSQL, whose COPY would otherwise read the text in the session's time zone."""

    def __init__(self, db_suffix: str = "") -> None:
        self.db_suffix = db_suffix
        self._days: dict[int, str] = {}

    def day(self, day_index: int) -> str:
        text = self._days.get(day_index)
        if text is None:
            text = dt.date.fromordinal(_EPOCH_ORDINAL + day_index).isoformat()
            self._days[day_index] = text
        return text

    def pair(self, us: int) -> tuple[str, str]:
        """(database text, JSON-encoded journal text) for one moment."""
        day_index, rem = divmod(us, DAY_US)
        date = self.day(day_index)
        sec, micro = divmod(rem, 1_000_000)
        hours, sec = divmod(sec, 3600)
        minutes, sec = divmod(sec, 60)
        clock = f"{hours:02d}:{minutes:02d}:{sec:02d}"
        # str(datetime), which Django stores on SQLite, drops a zero fraction.
        db = f"{date} {clock}.{micro:06d}" if micro else f"{date} {clock}"
        return db + self.db_suffix, f'"{date}T{clock}.{micro:06d}Z"'


class LocalCalendar:
    """Local years and UTC offsets in the configured zone, precomputed per year and day."""

    def __init__(self, zone_name: str, first_year: int = 2000, last_year: int = 2100) -> None:
        self.zone = ZoneInfo(zone_name)
        self.first_year = first_year
        self._bounds = [
            to_us(dt.datetime(y, 1, 1, tzinfo=self.zone)) for y in range(first_year, last_year + 1)
        ]
        self._offsets: dict[int, int] = {}

    def year(self, us: int) -> int:
        at = bisect.bisect_right(self._bounds, us)
        if 0 < at < len(self._bounds):
            return self.first_year + at - 1
        # Outside the precomputed years (a demo loaded "today" in 2004 reaches back to 1997):
        # asked of the zone itself, never clamped to the table's first or last year.
        return from_us(us).astimezone(self.zone).year

    def offset_us(self, day_index: int) -> int:
        """UTC offset at local noon of a day (whole days of business hours share it)."""
        offset = self._offsets.get(day_index)
        if offset is None:
            noon = from_us(day_index * DAY_US + DAY_US // 2).replace(tzinfo=None)
            delta = self.zone.utcoffset(noon) or dt.timedelta(0)
            offset = int(delta.total_seconds()) * 1_000_000
            self._offsets[day_index] = offset
        return offset

    def local_day_index(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.zone).date()
        return local.toordinal() - _EPOCH_ORDINAL

    def local_midnight_us(self, day_index: int) -> int:
        return day_index * DAY_US - self.offset_us(day_index)
