"""Shipped statutory calendars. Each day names its source; a year whose notice we could not
read is not shipped (import it from iCalendar when the State Council publishes it).

2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), read as published by Xinhua
(politics.gmw.cn/2025-11/04/content_38391083.htm).
2027: UNCONFIRMED — no notice found; not shipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SOURCE_2026 = "国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)"


@dataclass(frozen=True)
class PresetDay:
    day: dt.date
    kind: str  # holiday | workday
    name: str


def _span(first: dt.date, last: dt.date, name: str) -> list[PresetDay]:
    days = (last - first).days + 1
    return [PresetDay(first + dt.timedelta(days=i), "holiday", name) for i in range(days)]


def _cn_2026() -> list[PresetDay]:
    d = dt.date
    off = [
        *_span(d(2026, 1, 1), d(2026, 1, 3), "元旦 New Year"),
        *_span(d(2026, 2, 15), d(2026, 2, 23), "春节 Spring Festival"),
        *_span(d(2026, 4, 4), d(2026, 4, 6), "清明节 Qingming"),
        *_span(d(2026, 5, 1), d(2026, 5, 5), "劳动节 Labour Day"),
        *_span(d(2026, 6, 19), d(2026, 6, 21), "端午节 Dragon Boat"),
        *_span(d(2026, 9, 25), d(2026, 9, 27), "中秋节 Mid-Autumn"),
        *_span(d(2026, 10, 1), d(2026, 10, 7), "国庆节 National Day"),
    ]
    worked = [
        PresetDay(d(2026, 1, 4), "workday", "元旦调休上班"),
        PresetDay(d(2026, 2, 14), "workday", "春节调休上班"),
        PresetDay(d(2026, 2, 28), "workday", "春节调休上班"),
        PresetDay(d(2026, 5, 9), "workday", "劳动节调休上班"),
        PresetDay(d(2026, 9, 20), "workday", "国庆节调休上班"),
        PresetDay(d(2026, 10, 10), "workday", "国庆节调休上班"),
    ]
    return sorted(off + worked, key=lambda p: p.day)


PRESETS: dict[str, tuple[str, str, list[PresetDay]]] = {
    # preset name: (calendar code, source, days)
    "cn-2026": ("cn", SOURCE_2026, _cn_2026()),
}
UNCONFIRMED = {"cn-2027": "the State Council's 2027 notice could not be read; not shipped"}
