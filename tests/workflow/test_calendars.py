"""Holiday calendars with 调休 make-up days, iCalendar import and business hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management.base import CommandError

from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.journal.queries import history
from caseledger.workflow.calendars.queries import work_calendar
from caseledger.workflow.calendars.services import (
    business_hours_set,
    calendar_adopt,
    calendar_day_remove,
    calendar_day_set,
    calendar_import_ics,
)
from caseledger.workflow.models import CalendarDay
from caseledger.workflow.worktime import add_working_days, add_working_time
from tests.cli.helpers import run

SHANGHAI = ZoneInfo("Asia/Shanghai")

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20270206\r
DTEND;VALUE=DATE:20270211\r
SUMMARY:春节\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20270214\r
SUMMARY:春节调休 上班\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_adopting_2026_knows_the_spring_festival_and_its_make_up_saturdays(people):
    result = calendar_adopt(actor=people.admin, preset="cn-2026")

    assert result == {"calendar": "cn", "preset": "cn-2026", "days": 39, "changed": 39}
    cal = work_calendar(people.sales.pk)
    assert not cal.is_working_day(dt.date(2026, 2, 16))  # Monday in the holiday
    assert cal.is_working_day(dt.date(2026, 2, 14))  # Saturday, 调休上班
    assert cal.is_working_day(dt.date(2026, 1, 4))  # Sunday, 调休上班
    assert not cal.is_working_day(dt.date(2026, 10, 7))
    # a market-regulator referral on Friday Feb 13: 7 working days skip the festival
    due = add_working_days(cal, dt.datetime(2026, 2, 13, 10, tzinfo=SHANGHAI), 7)
    # Feb 14 (Sat, worked), 24, 25, 26, 27, 28 (Sat, worked), Mar 2 → end of Mar 2
    assert due == dt.datetime(2026, 3, 3, 0, 0, tzinfo=SHANGHAI)


def test_adopting_again_changes_nothing_and_restores_an_edited_day(people):
    calendar_adopt(actor=people.admin, preset="cn-2026")
    calendar_day_remove(actor=people.admin, day=dt.date(2026, 2, 28), reason="test")

    again = calendar_adopt(actor=people.admin, preset="cn-2026")

    assert again["changed"] == 1
    assert calendar_adopt(actor=people.admin, preset="cn-2026")["changed"] == 0
    assert CalendarDay.objects.count() == 39


def test_2027_is_unconfirmed_and_not_shipped(people):
    with pytest.raises(ValidationFailed, match="cn-2027 is UNCONFIRMED"):
        calendar_adopt(actor=people.admin, preset="cn-2027")


def test_an_icalendar_file_imports_days_off_and_make_up_days(people):
    result = calendar_import_ics(actor=people.admin, text=ICS, source="gov.cn feed")

    assert result == {"calendar": "cn", "days": 6, "changed": 6}
    kinds = dict(CalendarDay.objects.values_list("day", "kind"))
    assert kinds[dt.date(2027, 2, 10)] == "holiday" and dt.date(2027, 2, 11) not in kinds
    assert kinds[dt.date(2027, 2, 14)] == "workday"
    [entry] = history("calendar_day:cn:2027-02-14")
    assert entry.action == "calendar.day_set" and entry.state["source"] == "gov.cn feed"


def test_a_broken_file_is_refused_by_line_and_changes_nothing(people):
    entries = Entry.objects.count()
    with pytest.raises(ValidationFailed, match="line 5: '2027021' is not a date"):
        calendar_import_ics(actor=people.admin, text=ICS.replace("20270206", "2027021"))
    with pytest.raises(ValidationFailed, match="BEGIN:VCALENDAR"):
        calendar_import_ics(actor=people.admin, text="hello")
    assert Entry.objects.count() == entries and not CalendarDay.objects.exists()


def test_a_department_with_its_own_hours(people):
    business_hours_set(
        actor=people.admin,
        department=people.service,
        hours=[[(480, 1200)]] * 6 + [[]],  # 08:00-20:00, Monday to Saturday
        reason="service desk",
    )

    cal = work_calendar(people.service.pk)
    saturday_19 = dt.datetime(2026, 3, 7, 19, tzinfo=SHANGHAI)
    assert add_working_time(cal, saturday_19, dt.timedelta(hours=2)) == dt.datetime(
        2026, 3, 9, 9, tzinfo=SHANGHAI
    )
    assert work_calendar(people.sales.pk).hours[5] == ()  # others keep the standard week
    with pytest.raises(ValidationFailed, match="day 1: 600-500"):
        business_hours_set(
            actor=people.admin, department=people.sales, hours=[[(600, 500)]] + [[]] * 6
        )
    with pytest.raises(ValidationFailed, match="a week without working hours"):
        business_hours_set(actor=people.admin, department=people.sales, hours=[[]] * 7)


def test_only_administrators_edit_calendars(people):
    for who in (people.agent, people.supervisor, people.records_manager, people.compliance):
        with pytest.raises(PermissionDenied):
            calendar_day_set(actor=who, day=dt.date(2026, 12, 24), kind="holiday")
        with pytest.raises(PermissionDenied):
            business_hours_set(actor=who, department=people.sales, hours=[[(0, 60)]] * 7)


def test_the_calendar_command(people, tmp_path):
    ics = tmp_path / "cn-2027.ics"
    ics.write_text(ICS, encoding="utf-8")

    assert "39 days, 39 changed" in run("calendar", "adopt", "cn-2026").out
    assert "6 days read, 6 changed" in run("calendar", "import", str(ics)).out
    run("calendar", "set", "2026-12-31", "--kind", "holiday", "--name", "company day")
    listed = run("calendar", "list", "--year", "2026").out
    assert "2026-12-31  Thu  holiday  company day" in listed
    assert "2026-02-14  Sat  workday" in listed
    shown = run("calendar", "hours", "service", "--set", "mon-sat 08:00-20:00").out
    assert (
        shown.strip()
        == "service: mon 08:00-20:00; tue 08:00-20:00; wed 08:00-20:00; thu 08:00-20:00; fri 08:00-20:00; sat 08:00-20:00 (Asia/Shanghai)"
    )
    with pytest.raises(CommandError, match=r"write e\.g\. 'mon-fri 09:00-18:00'"):
        run("calendar", "hours", "service", "--set", "weekdays 9-5")
    with pytest.raises(CommandError, match="is not a date"):
        run("calendar", "set", "31.12.2026", "--kind", "holiday")
