"""A supervisor in a real browser: opens the dashboard, filters to a category, clicks a bar
and lands on the matching cases; generates the month's review report and downloads its PDF,
whose text has the Chinese headings and the dashboard's figures. The charts raise no
Content-Security-Policy violation."""

from __future__ import annotations

import shutil
import subprocess

from django.utils import timezone

from caseledger.core import clock
from caseledger.insights import rollup
from tests.factories import make_case, make_customer
from tests.web.test_browser import _log_in, page, pytestmark  # noqa: F401  (fixtures, marks)
from tests.web.test_csp_browser import _watched

# The centre of the largest filled shape a chart drew: its bar, in a one-bar chart.
_BIGGEST_BAR = """(name) => {
  const shapes = [...document.querySelectorAll(`[data-chart="${name}"] svg path`)]
    .filter((p) => (p.getAttribute("fill") || "none") !== "none")
    .map((p) => p.getBoundingClientRect())
    .filter((r) => r.width > 2 && r.height > 2)
    .sort((a, b) => b.width * b.height - a.width * a.height);
  const r = shapes[0];
  return r ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null;
}"""


def test_a_supervisor_filters_to_a_category_clicks_its_bar_and_lands_on_its_cases(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
    tmp_path,
):
    customer = make_customer(people.agent, people.sales)
    billing = {
        make_case(people.agent, customer, category="billing", subcategory="refund").reference
        for _ in range(3)
    }
    make_case(people.agent, customer, category="delivery", subcategory="late")
    rollup.catch_up()
    console = _watched(page)
    base = live_server.url
    _log_in(page, base, "sam", people.password)
    page.click("nav >> text=Insights")
    page.wait_for_selector("[data-chart=category][data-ready=true]")
    assert page.inner_text("#figure-cases") == "4"
    page.select_option("#filter-category", "billing")
    page.click("#insights-apply")
    page.wait_for_url("**category=billing**")
    page.wait_for_selector("[data-chart=category][data-ready=true]")
    assert page.inner_text("#figure-cases") == "3"
    assert page.evaluate("window.__csp") == []
    page.locator("[data-chart=category]").scroll_into_view_if_needed()
    where = page.evaluate(_BIGGEST_BAR, "category")
    assert where is not None
    page.mouse.move(where["x"], where["y"])  # a tooltip too, without breaking the policy
    page.mouse.click(where["x"], where["y"])
    page.wait_for_url("**/cases/?**")
    assert "category=billing" in page.url
    listed = set(page.locator("#results a[href^='/cases/']").all_inner_texts())
    assert {ref for ref in billing if any(ref in text for text in listed)} == billing
    assert not any("CL-" in t and t.split()[0] not in billing for t in listed)
    assert page.evaluate("window.__csp") == []
    assert console == []
    _the_months_report_has_the_dashboards_figures(page, base, tmp_path)


def _the_months_report_has_the_dashboards_figures(page, base, tmp_path):  # noqa: F811
    month = timezone.localtime(clock.now()).strftime("%Y-%m")
    page.goto(f"{base}/insights/?from={month}&to={month}")
    shown = page.inner_text("#figure-cases")
    page.click("#reviews-link")
    page.fill("#review-period", month)
    page.select_option("#review-department", "sales")
    page.click("#review-generate-button")
    page.wait_for_selector("#review-pdf")
    assert page.inner_text("#review-cases") == shown
    with page.expect_download() as download:
        page.click("#review-pdf")
    pdf = tmp_path / "review.pdf"
    download.value.save_as(pdf)
    if not shutil.which("pdftotext"):  # make report-deps installs it
        return
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "投诉复盘报告" in text and "关键指标" in text and "投诉类别" in text
    line = next(row for row in text.splitlines() if "受理案件数" in row)
    assert line.split()[-2] == shown, line  # this period, then the previous one
