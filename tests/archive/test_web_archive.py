"""The web pages: an archived case in the list and its stub page, marked archived; opening
the archived record (journaled) and restoring it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.archive.services import archive_run
from caseledger.cases.models import Case
from caseledger.journal.models import Entry
from tests.archive.conftest import ARCHIVE_DAY, closed_case

TODAY = dt.date(2026, 11, 22)

pytestmark = pytest.mark.clock(ARCHIVE_DAY)  # written against TODAY; fixtures too


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_stub_is_listed_and_shown_marked_archived(people, customer):
    case = closed_case(people, customer, subject="发票金额错误 Wrong invoice")
    description = case.description
    archive_run(actor=None, on=TODAY)
    agent = _client(people.agent)

    listing = agent.get(reverse("web:case_list"), {"q": "Wrong invoice"}).content.decode()
    assert case.reference in listing and 'class="badge archived"' in listing
    detail = agent.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert 'id="archived-note"' in detail and description not in detail
    assert not Entry.objects.filter(action="case.archive_read").exists()  # a GET records nothing

    opened = agent.post(reverse("web:archived_record", args=[case.pk]))
    assert opened.status_code == 200 and description in opened.content.decode()
    assert "Restore from archive" not in opened.content.decode()  # agents cannot restore
    assert Entry.objects.filter(action="case.archive_read", via="web").count() == 1


def test_a_records_manager_restores_it_from_the_archived_page(people, customer):
    case = closed_case(people, customer)
    archive_run(actor=None, on=TODAY)
    manager = _client(people.records_manager)
    page = manager.post(reverse("web:archived_record", args=[case.pk])).content.decode()
    assert "Restore from archive" in page

    response = manager.post(
        reverse("web:archived_restore", args=[case.pk]), {"reason": "dispute reopened"}
    )

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).archived_at is None
    detail = manager.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert 'id="archived-note"' not in detail and case.description in detail


def test_the_archived_record_reads_in_local_time_and_words_in_chinese(people, customer):
    from caseledger.web.display import local_time

    case = closed_case(people, customer)
    archive_run(actor=None, on=TODAY)
    case.refresh_from_db()
    agent = _client(people.agent)
    agent.post("/i18n/setlang/", {"language": "zh-hans", "next": "/cases/"})

    page = agent.post(reverse("web:archived_record", args=[case.pk])).content.decode()

    assert local_time(case.received_at) in page  # Asia/Shanghai, not the stored UTC
    assert "T" + case.received_at.strftime("%H:%M") not in page and "Z</dd>" not in page
