"""An agent's day in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Django's live_server runs in a thread; Playwright's sync API runs an event loop here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

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
        context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/cases/")


def test_agent_records_a_case_finds_it_notes_it_and_reads_its_history(
    transactional_db, live_server, page, people, customer
):
    from caseledger.cases.models import Case

    base = live_server.url
    _log_in(page, base, "alice", people.password)

    # Create a case through the form, picking the customer by search.
    page.click("nav >> text=New case")
    page.fill("input[name=customer_q]", customer.name[-4:])
    page.wait_for_selector(f"#id_customer option[value='{customer.pk}']")
    page.select_option("#id_customer", str(customer.pk))
    page.select_option("#id_kind", "complaint")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "delivery")
    # htmx narrows the subcategories to the chosen category's: no more groups.
    page.wait_for_selector("#id_subcategory optgroup", state="detached")
    page.select_option("#id_subcategory", "late")
    page.fill("#id_subject", "快递晚到三天 Parcel three days late")
    page.fill("#id_description", "Ordered on Monday, promised Wednesday.")
    page.click("button:has-text('Create case')")
    page.wait_for_selector("#timeline")
    case = Case.objects.get(subject="快递晚到三天 Parcel three days late")
    assert (case.subcategory, case.customer_id) == ("late", customer.pk)
    assert page.url == f"{base}/cases/{case.pk}/"

    # Find it in the filtered list (htmx swaps the results as the filter changes).
    page.goto(f"{base}/cases/")
    page.select_option("#case-filters select[name=category]", "delivery")
    page.wait_for_url("**category=delivery**")
    page.fill("#case-filters input[name=q]", "three days")
    page.wait_for_url("**q=three**")
    rows = page.locator("#case-table tbody tr")
    assert rows.count() == 1
    assert case.reference in rows.first.inner_text()

    # Open it and add a note; the timeline updates in place.
    page.click(f"text={case.reference}")
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    page.fill("#id_body", "客户来电，已安排加急配送 Called the customer back")
    page.click("button:has-text('Add note')")
    page.wait_for_selector("#timeline .body:has-text('Called the customer back')")
    assert page.url == f"{base}/cases/{case.pk}/"  # no page load: htmx swapped the timeline

    # Its history shows the create entry and the note, both made through the web.
    page.click("a:has-text('History')")
    page.wait_for_url(f"{base}/cases/{case.pk}/history/")
    history = page.locator("#history").inner_text()
    assert "Case created" in history and "Note added" in history
    assert "Called the customer back" in history
    assert "via web" in history


def test_case_list_screenshot(transactional_db, live_server, page, people, customer, tmp_path):
    from tests.factories import make_case

    for n in range(6):
        make_case(
            people.agent,
            customer,
            subject=f"样例案件 Sample case {n}",
            priority=["low", "normal", "high", "urgent"][n % 4],
        )
    _log_in(page, live_server.url, "sam", people.password)
    page.wait_for_selector("#case-table")
    shot = Path(os.environ.get("CASELEDGER_SCREENSHOT_DIR", tmp_path)) / "case-list.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.locator("#case-table tbody tr").count() == 6
    # The stylesheet and htmx are served by the app itself.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"
    page.click("#case-table tbody tr >> nth=0 >> a >> nth=0")
    page.wait_for_selector("#timeline")
    page.screenshot(path=str(shot.with_name("case-detail.png")), full_page=True)


def test_the_top_bar_keeps_each_link_on_one_line_and_fits_a_phone(
    transactional_db, live_server, page, people, case
):
    # In Chinese a supervisor's bar has a dozen two- to five-character links: they once
    # broke one character a line at 1280 px and pushed the page sideways on a phone.
    page.set_extra_http_headers({"Accept-Language": "zh-hans"})
    _log_in(page, live_server.url, "sam", people.password)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    heights = page.eval_on_selector_all(
        ".topbar nav > a", "links => links.map(a => a.getBoundingClientRect().height)"
    )
    assert len(heights) > 8 and max(heights) < 30, heights  # one line each (14px/1.5)
    page.set_viewport_size({"width": 390, "height": 800})
    # The case page (its clock forms), the customer's tables and a history: a wide table
    # scrolls inside its card, the page itself never sideways.
    for path in ("/cases/", f"/cases/{case.pk}/", f"/customers/{case.customer_id}/",
                 f"/cases/{case.pk}/history/"):  # fmt: skip
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert page.locator("#nav-search").is_visible()
