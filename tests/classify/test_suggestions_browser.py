"""In a real browser, in zh-Hans: an agent opens a case just recorded under the wrong
category, sees the classifier's suggestions card, accepts the category it suggests and the
case shows it; then corrects the severity to a value of her own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.search.test_search_browser import page  # noqa: F401
from tests.web.test_browser import CHROMIUM, _log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def test_an_agent_accepts_the_suggested_category_then_corrects_the_severity(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
    trained,
):
    from caseledger.classify.models import Feedback
    from tests.factories import make_case, make_customer

    case = make_case(
        people.agent, make_customer(people.agent, people.sales),
        subject="快递延误", description="包裹快递一直没送到",
        category="billing", subcategory="wrong_charge", severity="medium",
    )  # fmt: skip
    base = live_server.url
    _log_in(page, base, "alice", people.password)
    page.goto(f"{base}/cases/{case.pk}/")
    card = page.locator("#suggestions")
    assert "分类建议" in card.locator("h2").inner_text()
    category = card.locator('.suggestion[data-field="category"]')
    assert "配送与物流" in category.inner_text()
    assert "账单与费用" in page.locator("#case-category").inner_text()

    category.locator("button", has_text="接受").click()
    page.wait_for_selector(".messages:has-text('已接受建议')")
    assert "配送与物流" in page.locator("#case-category").inner_text()

    severity = page.locator('#suggestions .suggestion[data-field="severity"]')
    severity.locator("#correct-severity").select_option("low")
    severity.locator("button", has_text="更正").click()
    page.wait_for_selector(".messages:has-text('已记录更正')")
    assert page.locator("#case-severity").inner_text() == "低"
    assert sorted(Feedback.objects.values_list("field", "outcome")) == [
        ("category", "accepted"),
        ("severity", "corrected"),
    ]
