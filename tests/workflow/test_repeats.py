"""Repeat complaints: a customer's new case on the same subject within the window is linked
to the earlier one (journaled), and whoever sees the case sees the chain."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.core import clock
from caseledger.core.errors import NotFound
from caseledger.journal.queries import history
from caseledger.workflow.models import CaseLink
from caseledger.workflow.repeats.queries import repeat_chain
from tests.api.conftest import ApiClient
from tests.factories import make_case, make_customer

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def api_as():
    return ApiClient


def _case_on(people, customer, day: int, **over):
    with clock.frozen(START + dt.timedelta(days=day)):
        return make_case(people.agent, customer, **over)


def test_a_repeat_on_the_same_category_within_the_window_is_linked(people):
    customer = make_customer(people.agent, people.sales)
    first = _case_on(people, customer, 0)
    second = _case_on(people, customer, 10)
    third = _case_on(people, customer, 20)

    chain = repeat_chain(actor=people.supervisor, case_id=second.pk)
    assert [link.reference for link in chain] == [
        first.reference,
        second.reference,
        third.reference,
    ]
    assert [link.basis for link in chain] == ["", "category", "category"]
    [entry] = [e for e in history(f"case:{second.pk}") if e.action == "case.repeat_link"]
    assert entry.state["earlier_id"] == first.pk and first.reference in entry.reason


def test_the_same_product_links_and_the_window_the_customer_and_subject_count(people, settings):
    customer = make_customer(people.agent, people.sales)
    other_customer = make_customer(people.agent, people.sales)
    first = _case_on(people, customer, 0, product_ref="CARD-1")
    by_product = _case_on(
        people, customer, 5, category="other", subcategory="", product_ref="CARD-1"
    )
    _case_on(people, other_customer, 6)  # another customer
    unrelated = _case_on(people, customer, 7, category="other", subcategory="", product_ref="X")
    late = _case_on(people, customer, 60, product_ref="CARD-1")

    link = CaseLink.objects.get(case=by_product)
    assert link.earlier == first and link.basis == "product"
    # "other" again: a repeat of the product case on category
    assert CaseLink.objects.get(case=unrelated).earlier == by_product
    assert not CaseLink.objects.filter(case=late).exists()  # outside 30 days
    settings.REPEAT_WINDOW_DAYS = 0
    assert not CaseLink.objects.filter(case=_case_on(people, customer, 61)).exists()


def test_the_supervisor_sees_the_chain_on_the_case_page_and_the_api(people, api_as):
    customer = make_customer(people.agent, people.sales)
    first = _case_on(people, customer, 0)
    second = _case_on(people, customer, 3)
    client = Client()
    client.force_login(people.supervisor)

    page = client.get(reverse("web:case_detail", args=[second.pk])).content.decode()

    assert 'id="repeats"' in page and first.reference in page
    rows = api_as(people.supervisor, ["cases:read"]).get(f"/cases/{second.pk}/repeats").json()
    assert [r["reference"] for r in rows] == [first.reference, second.reference]
    assert rows[1]["basis"] == "category"
    lonely = make_case(people.agent, make_customer(people.agent, people.sales))
    assert api_as(people.agent).get(f"/cases/{lonely.pk}/repeats").json() == []
    with pytest.raises(NotFound):
        repeat_chain(actor=people.outsider, case_id=second.pk)


def test_the_chain_says_each_cases_status_in_the_readers_language(people):
    # The chain once printed the status codes ("received") inside a Chinese page.
    customer = make_customer(people.agent, people.sales)
    first = _case_on(people, customer, 0)
    second = _case_on(people, customer, 3)
    client = Client()
    client.force_login(people.supervisor)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    page = client.get(reverse("web:case_detail", args=[second.pk])).content.decode()

    chain = page.split('class="repeat-chain"')[1].split("</ol>")[0]
    assert first.reference in chain and "已接收" in chain and "received" not in chain
