"""Removing a wrongly attached file in a real browser, in zh-Hans: the case page's Remove
button leads to a confirmation naming the file; a blank reason is refused; with a reason the
file leaves the list, is listed as removed, and its content stays until disposition."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tests.web.test_browser import ARGS, CHROMIUM, _log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def test_an_agent_removes_a_wrong_file_with_a_reason(
    transactional_db, live_server, people, customer
):
    from playwright.sync_api import sync_playwright

    from caseledger.cases import storage
    from caseledger.cases.models import Attachment
    from caseledger.cases.services import case_attachment_add
    from tests.factories import make_case

    case = make_case(people.agent, customer, subject="误传附件 Wrong file")
    attachment = case_attachment_add(
        actor=people.agent, case=case, stream=io.BytesIO(b"not this case"), filename="other.pdf"
    )
    base = live_server.url
    os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(locale="zh-CN", extra_http_headers={
                "Accept-Language": "zh-Hans"})  # fmt: skip
            page = context.new_page()
            page.set_default_timeout(30_000)
            _log_in(page, base, "alice", people.password)
            page.goto(f"{base}/cases/{case.pk}/")
            page.click("[data-testid=attachment-remove]")
            page.wait_for_selector("#attachment-remove-form")
            assert "other.pdf" in page.locator("#attachment-remove-form h1").inner_text()
            assert "移除附件" in page.locator("#attachment-remove-form h1").inner_text()
            page.fill("#id_reason", "   ")
            page.click("#attachment-remove-submit")
            page.wait_for_selector("#attachment-remove-form .errorlist")
            assert Attachment.objects.get(pk=attachment.pk).removed_at is None
            page.fill("#id_reason", "传错了案件")
            page.click("#attachment-remove-submit")
            page.wait_for_url(f"{base}/cases/{case.pk}/#attachments")
            assert "已移除的附件" in page.locator("#attachments").inner_text()
            assert "传错了案件" in page.locator("#removed-attachments").inner_text()
            assert page.locator("[data-testid=attachment-remove]").count() == 0
        finally:
            browser.close()
    removed = Attachment.objects.get(pk=attachment.pk)
    assert removed.removed_reason == "传错了案件"
    assert storage.path_for(removed.sha256).read_bytes() == b"not this case"
