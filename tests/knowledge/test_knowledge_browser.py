"""In a real browser: a supervisor publishes an article an agent wrote from a resolved case;
the agent then types a word from it in the navigation's search box and opens the article."""

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


def test_a_published_article_is_found_from_the_navigation_box_and_opened(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
    customer,
):
    from caseledger.knowledge.services import article_draft
    from tests.factories import make_case
    from tests.knowledge.conftest import TEXT, resolve

    case = resolve(people.agent, make_case(people.agent, customer, subject="退款未到账"))
    article = article_draft(actor=people.agent, case=case, data=TEXT)
    base = live_server.url
    _log_in(page, base, "sam", people.password)
    page.goto(f"{base}/knowledge/{article.pk}/")
    assert "待审核" in page.locator("#awaiting-review").inner_text()
    page.click("#article-publish")
    page.wait_for_selector("#article-status")
    assert page.locator("#article-status").inner_text() == "已发布"
    page.context.clear_cookies()
    _log_in(page, base, "alice", people.password)
    page.fill("#nav-search", "三个工作日")
    page.press("#nav-search", "Enter")
    page.wait_for_selector("#article-hits")
    hit = page.locator("#article-hits .hit").first
    assert hit.locator("mark").first.inner_text() == "三个工作日"
    hit.locator("a.hit-title").click()
    page.wait_for_url(f"{base}/knowledge/{article.pk}/")
    assert page.locator("#article-title").inner_text() == TEXT["title_zh"]
