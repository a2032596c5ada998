"""Clocks on the case list and page, over the API and the CLI."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.core import clock
from caseledger.workflow.clocks.services import clock_sweep, statutory_rules_adopt
from tests.api.conftest import ApiClient
from tests.cli.helpers import run
from tests.factories import make_case, make_customer

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def login(people):
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def two_cases(people):
    """An urgent case (1 working hour to first response) and a low one, received Monday
    2 March 2026 09:00 in sales, which follows the banking deadlines."""
    with clock.frozen(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)):
        statutory_rules_adopt(actor=None, industry="banking", department=people.sales)
        customer = make_customer(people.agent, people.sales)
        urgent = make_case(people.agent, customer, priority="urgent", subject="urgent one")
        low = make_case(people.agent, customer, priority="low", subject="low one")
    return urgent, low


def test_the_case_page_shows_each_clock_with_its_state_and_source(login, people, two_cases):
    urgent, _ = two_cases
    with clock.frozen(dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)):
        html = (
            login(people.agent).get(reverse("web:case_detail", args=[urgent.pk])).content.decode()
        )

    assert 'data-clock="first_response" data-state="breached"' in html
    assert 'data-clock="statutory:cbirc-complaint" data-state="ok"' in html
    assert "银行业保险业消费投诉处理管理办法" in html and "UNCONFIRMED" in html


def test_pausing_from_the_page(login, people, two_cases):
    urgent, _ = two_cases
    client = login(people.agent)
    with clock.frozen(dt.datetime(2026, 3, 2, 9, 30, tzinfo=SH)):
        client.post(
            reverse("web:case_clock", args=[urgent.pk, "wait"]),
            {"reason": "asked for the statement", "kind": "customer"},
        )
        html = client.get(reverse("web:case_detail", args=[urgent.pk])).content.decode()
    assert 'data-clock="first_response" data-state="paused"' in html


def test_the_list_sorts_and_filters_by_due_time(login, people, two_cases):
    with clock.frozen(dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)):
        clock_sweep(actor=None)
        client = login(people.agent)
        by_due = client.get(reverse("web:case_list"), {"sort": "due"}).content.decode()
        breached = client.get(reverse("web:case_list"), {"clock": "breached"}).content.decode()

    assert by_due.index("urgent one") < by_due.index("low one")
    assert "urgent one" in breached and "low one" not in breached
    assert re.search(r'class="[^"]*\bclock clock-breached"', breached)


def test_the_api_exposes_clocks_now_and_as_of(people, two_cases):
    urgent, _ = two_cases
    api = ApiClient(people.agent, ["cases:read"])
    with clock.frozen(dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)):
        clock_sweep(actor=None)
        now = {c["kind"]: c for c in api.get(f"/cases/{urgent.pk}/clocks").json()}
        then = {
            c["kind"]: c
            for c in api.get(
                f"/cases/{urgent.pk}/clocks", {"as_of": "2026-03-02T09:50:00+08:00"}
            ).json()
        }
        listed = api.get("/clocks", {"state": "breached"}).json()

    assert now["first_response"]["breached"] is True
    assert then["first_response"]["state"] == "soon"  # 10 of 60 minutes left
    assert [(r["reference"], r["kind"]) for r in listed] == [(urgent.reference, "first_response")]


def test_the_cli_shows_and_sweeps(people, two_cases):
    urgent, _ = two_cases
    with clock.frozen(dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)):
        swept = run("clocks", "sweep", "--json").json()
        shown = run("clocks", "show", urgent.reference).out

    assert swept["cases"] == 2 and swept["alerts"] >= 1
    assert "first_response" in shown and "breached" in shown and "UNCONFIRMED" in shown


def test_notices_inbox_lists_breaches_and_marks_them_read(login, people, two_cases):
    from caseledger.workflow.models import ClockAlert

    urgent, _ = two_cases
    urgent_case = urgent
    with clock.frozen(dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)):
        from caseledger.workflow.queues.services import case_take

        case_take(actor=people.agent, case=urgent_case)
        clock_sweep(actor=None)
        client = login(people.agent)
        html = client.get(reverse("web:notices")).content.decode()
        client.post(reverse("web:notices"))

    assert urgent.reference in html and 'data-step="breach"' in html
    assert not ClockAlert.objects.filter(recipient=people.agent, read_at__isnull=True).exists()


def test_the_api_clock_list_shows_only_running_clocks_of_visible_cases(people, two_cases):
    urgent, low = two_cases
    with clock.frozen(dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)):
        from caseledger.cases.services import case_update

        case_update(
            actor=people.agent, case=low, data={"status": "closed", "resolution": "refunded"}
        )
        clock_sweep(actor=None)
        mine = ApiClient(people.agent, ["cases:read"]).get("/clocks").json()
        other = ApiClient(people.outsider, ["cases:read"]).get("/clocks").json()

    assert {r["reference"] for r in mine} == {urgent.reference}  # the closed case's are stopped
    assert other == []  # sales cases are not the service agent's


def test_the_api_case_list_sorts_by_due_time_and_filters_by_breach_page_by_page(people, two_cases):
    urgent, low = two_cases
    api = ApiClient(people.agent, ["cases:read"])
    with clock.frozen(dt.datetime(2026, 3, 2, 11, 0, tzinfo=SH)):
        clock_sweep(actor=None)
        first = api.get("/cases", {"sort": "due", "limit": 1}).json()
        second = api.get(
            "/cases", {"sort": "due", "limit": 1, "cursor": first["next_cursor"]}
        ).json()
        latest = api.get("/cases", {"sort": "-due"}).json()
        breached = api.get("/cases", {"clock": "breached", "sort": "due"}).json()
        wrong = api.get("/cases", {"clock": "late"})

    assert [c["reference"] for c in first["items"] + second["items"]] == [
        urgent.reference,
        low.reference,
    ]
    assert second["next_cursor"] is None
    assert [c["reference"] for c in latest["items"]] == [low.reference, urgent.reference]
    assert [c["reference"] for c in breached["items"]] == [urgent.reference]
    assert wrong.status_code == 422
