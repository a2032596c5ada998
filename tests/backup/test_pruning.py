"""Retention of backups: N per hour, day, week, month, and never the newest verified one."""

from __future__ import annotations

import datetime as dt

from caseledger.backup.pruning import to_remove


def _ids(start: dt.datetime, hours: int) -> list[str]:
    return [
        (start + dt.timedelta(hours=h)).strftime("%Y%m%dT%H%M%SZ") + "-abcd" for h in range(hours)
    ]


def test_keeps_the_newest_per_hour_day_week_and_month():
    ids = _ids(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 24 * 60)  # sixty days, hourly
    keep = {"hourly": 24, "daily": 7, "weekly": 4, "monthly": 12}
    removed = set(to_remove(ids, keep, protected=set()))
    kept = sorted(set(ids) - removed)
    assert ids[-24:] == kept[-24:]  # the last day, hour by hour
    assert "20260131T230000Z-abcd" in kept  # monthly: the newest of January
    assert len(kept) < 24 + 7 + 4 + 12 and len(kept) >= 24


def test_never_removes_the_protected_backup():
    ids = _ids(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 10)
    removed = to_remove(ids, {"hourly": 1, "daily": 0, "weekly": 0, "monthly": 0}, {ids[0]})
    assert ids[0] not in removed and ids[-1] not in removed
    assert set(removed) == set(ids[1:-1])


def test_a_name_that_is_not_a_time_is_kept():
    assert (
        to_remove(["manual-copy"], {"hourly": 0, "daily": 0, "weekly": 0, "monthly": 0}, set())
        == []
    )
