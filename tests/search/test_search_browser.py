"""In a real browser: an agent types 退款 in the navigation's search box, sees the hits
with the word marked, and opens one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.web.test_browser import ARGS, CHROMIUM, _log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


def test_typing_a_chinese_word_in_the_navigation_box_finds_and_opens_the_case(
    transactional_db, live_server, page, people, customer
):
    from tests.factories import make_case

    make_case(people.agent, customer, subject="发票开错 Wrong invoice")
    wanted = make_case(
        people.agent,
        customer,
        subject="花呗分期退款一直没到账",
        description="客户要求尽快退款",
    )
    base = live_server.url
    _log_in(page, base, "alice", people.password)
    page.fill("#nav-search", "退款")
    page.press("#nav-search", "Enter")
    page.wait_for_selector("#hits")
    hits = page.locator("#hits .hit")
    assert hits.count() == 1
    assert hits.first.locator("mark").first.inner_text() == "退款"
    assert "最新在前" in page.locator("#search-order").inner_text()
    hits.first.locator("a.hit-title").click()
    page.wait_for_url(f"{base}/cases/{wanted.pk}/")
    assert wanted.reference in page.content()
