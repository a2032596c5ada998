"""The mail schedule's two clocks, held to a naive reading over random preferences and
moments: quiet hours are the local hours a person listed; a digest hour strikes once a
local day, at that hour."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from caseledger.notify.mail import last_digest_moment, quiet
from caseledger.notify.models import Preference

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC", "Australia/Adelaide"]
moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),
    max_value=dt.datetime(2035, 12, 31),
    timezones=st.just(dt.UTC),
)


@given(
    start=st.integers(0, 23),
    end=st.integers(0, 23),
    zone=st.sampled_from(ZONES),
    now=moments,
)
def test_quiet_hours_are_exactly_the_listed_local_hours(start, end, zone, now):
    pref = Preference(quiet_start=start, quiet_end=end, timezone=zone)
    hours, h = set(), start
    while h != end:  # walk from start to end round the clock
        hours.add(h)
        h = (h + 1) % 24
    local_hour = now.astimezone(ZoneInfo(zone)).hour
    assert quiet(pref, now) == (local_hour in hours)


@given(hour=st.integers(0, 23), zone=st.sampled_from(ZONES), now=moments)
def test_the_digest_hour_struck_last_within_a_day_at_that_local_hour(hour, zone, now):
    pref = Preference(digest_hour=hour, timezone=zone)
    struck = last_digest_moment(pref, now)
    assert struck <= now < struck + dt.timedelta(hours=25)  # 25: a DST day is longer
    assert struck.replace(tzinfo=None).time() == dt.time(hour)  # that hour, on the hour
    # and the next stroke (the same local hour a day later) has not come yet
    following = (struck.replace(tzinfo=None) + dt.timedelta(days=1)).replace(tzinfo=ZoneInfo(zone))
    assert following > now
