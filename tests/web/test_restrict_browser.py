"""Restriction (PIPL Art 47) in a real browser: a records manager restricts a case with a
reason, an agent loses it, compliance sees it marked and lifts it."""

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

REASON = "合同目的已实现 Purpose fulfilled; AML law keeps it until 2031"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_restrict_hide_refuse_and_lift(transactional_db, live_server, browser, people, customer):
    from caseledger.cases.models import Case
    from tests.factories import make_case

    case = make_case(people.agent, customer, subject="受限案件 Case to restrict")
    base = live_server.url
    detail = f"{base}/cases/{case.pk}/"

    # The agent sees no restrict action; the records manager restricts with a reason.
    alice = _page(browser)
    _log_in(alice, base, "alice", people.password)
    alice.goto(detail)
    assert alice.locator("#restrict").count() == 0

    rita = _page(browser)
    _log_in(rita, base, "rita", people.password)
    rita.goto(detail)
    rita.click("#restrict")
    rita.fill("#restriction-reason", "   ")  # required passes, the service refuses blank
    rita.click("#restriction form button[type=submit]")
    rita.wait_for_selector("#restriction-form .errorlist")
    assert Case.objects.get(pk=case.pk).restricted_at is None
    rita.fill("#id_reason", REASON)
    rita.click("#restriction-submit")
    rita.wait_for_url(f"{base}/cases/")
    assert "restricted under PIPL Art 47" in rita.locator(".messages").inner_text()
    assert Case.objects.get(pk=case.pk).restricted_reason == REASON

    # The agent no longer finds it, and opening its URL names PIPL Art 47.
    alice.goto(f"{base}/cases/")
    assert case.reference not in alice.content()
    response = alice.goto(detail)
    assert response is not None and response.status == 403
    assert "PIPL Art 47" in alice.content() and REASON in alice.content()

    # Compliance sees it marked with the reason, and lifts it.
    carl = _page(browser)
    _log_in(carl, base, "carl", people.password)
    carl.goto(detail)
    assert REASON in carl.locator("#restricted-note").inner_text()
    carl.click("#lift-restriction")
    carl.fill("#restriction-reason", "法院要求恢复 Court ordered it back into use")
    carl.click("#restriction form button[type=submit]")
    carl.wait_for_selector(".messages")
    assert carl.url == detail
    assert "no longer restricted" in carl.locator(".messages").inner_text()
    assert carl.locator("#restricted-note").count() == 0
    assert Case.objects.get(pk=case.pk).restricted_at is None

    alice.goto(f"{base}/cases/")
    assert case.reference in alice.content()
