"""The holiday calendar and business hours in the administration area."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseledger.workflow.calendars.queries import work_calendar
from caseledger.workflow.models import CalendarDay

pytestmark = pytest.mark.django_db

ICS = (
    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20271001\nDTEND;VALUE=DATE:20271004\n"
    "SUMMARY:国庆节\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270926\n"
    "SUMMARY:国庆节调休上班\nEND:VEVENT\nEND:VCALENDAR\n"
)


def test_adopt_import_set_and_hours_from_the_page(login, people):
    client = login(people.admin)

    client.post(reverse("web:calendar_act", args=["adopt"]), {"preset": "cn-2026"})
    page = client.get(reverse("web:calendar"), {"year": 2026}).content.decode()
    client.post(
        reverse("web:calendar_act", args=["import"]),
        {"file": SimpleUploadedFile("cn-2027.ics", ICS.encode(), "text/calendar")},
    )
    client.post(
        reverse("web:calendar_act", args=["set"]),
        {"day": "2026-12-31", "kind": "holiday", "name": "company day"},
    )
    client.post(
        reverse("web:calendar_act", args=["hours"]),
        {"department": "service", "hours": "mon-sat 08:00-20:00", "reason": "desk"},
    )

    assert 'data-day="2026-02-14" data-kind="workday"' in page
    assert CalendarDay.objects.get(day="2027-09-26").kind == "workday"
    assert CalendarDay.objects.filter(day__year=2027, kind="holiday").count() == 3
    assert CalendarDay.objects.get(day="2026-12-31").name == "company day"
    assert work_calendar(people.service.pk).hours[5] == ((480, 1200),)


def test_a_bad_file_is_named_and_others_are_refused(login, people):
    admin = login(people.admin)
    response = admin.post(
        reverse("web:calendar_act", args=["import"]),
        {"file": SimpleUploadedFile("x.ics", b"hello", "text/calendar")},
        follow=True,
    )
    assert "not an iCalendar file" in response.content.decode()
    assert not CalendarDay.objects.exists()
    agent = login(people.agent)
    assert agent.get(reverse("web:calendar")).status_code == 403
    assert (
        agent.post(reverse("web:calendar_act", args=["adopt"]), {"preset": "cn-2026"}).status_code
        == 403
    )
