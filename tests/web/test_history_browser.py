"""A supervisor edits a case in a real browser in zh-Hans, then walks its history and its
state "as of" a moment: every field reads as its label, every id as a name, every code as
its translated value (issue 11 item 10). The raw codes looked for are the same list the
every-page test uses (field names, action codes, taxonomy paths, choice values)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.web.test_browser import ARGS, CHROMIUM, _log_in
from tests.web.test_every_page_speaks_chinese import _DICT_REPR, _known_codes, _translated_msgids

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def test_the_history_of_an_edited_case_reads_in_words_not_codes(
    transactional_db, live_server, people, customer
):
    from playwright.sync_api import sync_playwright

    from caseledger.cases.models import Case
    from tests.factories import make_case

    case = make_case(people.agent, customer, subject="扣费两次", description="三月账单重复扣费")
    base = live_server.url
    os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(locale="zh-CN", extra_http_headers={
                "Accept-Language": "zh-Hans"})  # fmt: skip
            page = context.new_page()
            page.set_default_timeout(30_000)
            _log_in(page, base, "sam", people.password)
            page.goto(f"{base}/cases/{case.pk}/edit/")
            page.select_option("#id_subcategory", "refund")
            page.select_option("#id_priority", "urgent")
            page.select_option("#id_assignee", str(people.agent.pk))
            page.fill("#id_reason", "客户来电催办")
            page.click("form button.primary")
            page.wait_for_url(f"{base}/cases/{case.pk}/")
            page.goto(f"{base}/cases/{case.pk}/history/")
            history = page.locator("#history")
            text = history.inner_text()
            changed = history.locator("article").last
            rows = {
                row.get_attribute("data-field"): row.inner_text()
                for row in changed.locator("tr.change").all()
            }
            page.fill("#id_as_of", "2999-01-01T00:00")
            page.click("#as-of-form button[type=submit]")
            page.wait_for_selector("#as-of-state")
            state = page.locator("#as-of-state").inner_text()
        finally:
            browser.close()

    assert Case.objects.get(pk=case.pk).assignee_id == people.agent.pk
    assert "案件已创建" in text and "案件已编辑" in text and "客户来电催办" in text
    assert "处理人" in rows["assignee_id"] and "alice" in rows["assignee_id"]
    assert "错误扣费" in rows["subcategory"] and "退款" in rows["subcategory"]
    assert "紧急" in rows["priority"] and "优先级" in rows["priority"]
    assert "Sales 销售部" in state and "账单与费用" in state and "已接收" in state
    msgids, codes = _translated_msgids(), _known_codes()
    for shown in (text, state):
        for pattern in codes:
            assert not pattern.search(shown), f"raw code {pattern.pattern} in the history"
        assert not _DICT_REPR.search(shown)
        lines = {line.strip() for line in shown.splitlines()} | {
            cell.strip() for line in shown.splitlines() for cell in line.split("\t")
        }
        assert not lines & msgids, f"untranslated: {lines & msgids}"
