"""Which backups a destination keeps: the newest N per hour, day, week and month.

Dangerous module: pruning is the one place that deletes backups. Guarantees: it never picks
the newest backup known to be verified at that destination, nor the one just written, and a
backup whose id it cannot read as a time is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

_BUCKETS: dict[str, Callable[[dt.datetime], object]] = {
    "hourly": lambda t: (t.year, t.month, t.day, t.hour),
    "daily": lambda t: (t.year, t.month, t.day),
    "weekly": lambda t: t.isocalendar()[:2],
    "monthly": lambda t: (t.year, t.month),
}


def snapshot_time(snapshot_id: str) -> dt.datetime | None:
    stamp = snapshot_id.split("Z", 1)[0]
    for layout in ("%Y%m%dT%H%M%S.%f", "%Y%m%dT%H%M%S"):
        try:
            return dt.datetime.strptime(stamp, layout).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def to_remove(ids: Iterable[str], keep: dict[str, int], protected: set[str]) -> list[str]:
    timed = sorted(((t, i) for i in ids if (t := snapshot_time(i)) is not None), reverse=True)
    kept = set(protected)
    for policy, count in keep.items():
        seen: set[object] = set()
        for at, snapshot_id in timed:
            if len(seen) >= count:
                break
            bucket = _BUCKETS[policy](at)
            if bucket not in seen:
                seen.add(bucket)
                kept.add(snapshot_id)
    return sorted(i for _, i in timed if i not in kept)
