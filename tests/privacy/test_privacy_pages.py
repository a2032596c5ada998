"""The compliance officer's way to privacy requests and re-verification (issue 11, item 13):
links in the navigation, a request registered by finding the customer (name, phone or a case
reference) instead of typing an internal number, and a due column that says the date and
how long is left."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from caseledger.core import clock
from caseledger.privacy import request_due, services
from caseledger.privacy.models import PrivacyRequest

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_compliance_finds_privacy_requests_and_re_verification_in_the_navigation(people, login):
    page = login(people.compliance).get("/cases/").content.decode()
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert f'href="{reverse("web:privacy_request_list")}"' in nav
    assert f'href="{reverse("web:reverification")}"' in nav
    agent_nav = login(people.agent).get("/cases/").content.decode()
    assert reverse("web:privacy_request_list") not in agent_nav


@pytest.mark.parametrize(
    "typed", ["客户 Customer", "138 1234 {n4}", "Customer{n}@Example.com", "{ref}"], ids=str
)
def test_the_request_form_finds_the_customer_by_name_phone_email_or_case_reference(
    people, customer, case, login, typed
):
    n = customer.name.rsplit(" ", 1)[1]
    query = typed.format(n=n, n4=f"{int(n) % 10000:04d}", ref=case.reference)
    options = (
        login(people.compliance)
        .get(reverse("web:customer_picker"), {"customer_q": query})
        .content.decode()
    )
    assert f'value="{customer.pk}"' in options, options


def test_registering_needs_a_chosen_customer_and_records_it(people, customer, login):
    carl = login(people.compliance)
    form = carl.get(reverse("web:privacy_request_list"), **ZH).content.decode()
    assert 'name="customer_q"' in form and "客户编号" not in form
    missing = carl.post(
        reverse("web:privacy_request_list"), {"customer": "", "kind": "access"}, follow=True
    )
    assert missing.status_code == 200 and not PrivacyRequest.objects.exists()
    assert "Find the customer" in missing.content.decode()
    unknown = carl.post(
        reverse("web:privacy_request_list"), {"customer": "999999", "kind": "access"}, follow=True
    )
    assert unknown.status_code == 200 and not PrivacyRequest.objects.exists()
    done = carl.post(
        reverse("web:privacy_request_list"), {"customer": str(customer.pk), "kind": "access"}
    )
    assert done.status_code == 302
    assert PrivacyRequest.objects.get().customer_id == customer.pk


def _due_cell(page: str, request_id: int) -> str:
    row = re.search(rf'<td class="mono">{request_id}</td>.*?</tr>', page, re.S)
    assert row, page
    cell = re.search(r'data-testid="due">(.*?)</td>', row.group(0), re.S)
    assert cell
    return re.sub(r"<[^>]+>", " ", cell.group(1))


def test_the_due_column_says_the_date_and_the_days_left_or_overdue(people, customer, login):
    fresh = services.privacy_request_open(actor=people.compliance, customer=customer, kind="access")
    with clock.frozen(clock.now() - dt.timedelta(days=45)):
        late = services.privacy_request_open(
            actor=people.compliance, customer=customer, kind="deletion"
        )
    today = request_due.today()
    page = login(people.compliance).get(reverse("web:privacy_request_list"), **ZH)
    text = page.content.decode()
    header = text[text.index("<thead>") : text.index("</thead>")]
    assert "已到期" not in header and "截止日期" in header
    left = (fresh.due_on - today).days
    assert fresh.due_on.isoformat() in _due_cell(text, fresh.pk)
    assert f"还剩 {left} 天" in _due_cell(text, fresh.pk)
    overdue = (today - late.due_on).days
    assert f"逾期 {overdue} 天" in _due_cell(text, late.pk)
    english = login(people.compliance).get(reverse("web:privacy_request_list")).content.decode()
    assert (f"{left} day left" if left == 1 else f"{left} days left") in _due_cell(
        english, fresh.pk
    )
