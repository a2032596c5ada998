"""Disposition in a real browser: a records manager proposes the due records of a schedule,
a compliance officer approves and executes, and the certificate's print view names what was
destroyed by reference and hash only."""

from __future__ import annotations

from caseledger.cases.models import Case
from caseledger.journal.verify import verify_chain
from tests.disposition.conftest import make_schedule, recompute
from tests.factories import make_case
from tests.web.test_browser import page, pytestmark  # noqa: F401  (fixture, marks)


def _log_in(page, base: str, username: str, password: str) -> None:  # noqa: F811
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form[action='/login/'] button[type=submit], main button[type=submit]")
    page.wait_for_load_state()


def test_propose_approve_execute_and_print_the_certificate(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
    customer,
    settings,
    tmp_path,
):
    settings.DISPOSITIONS_DIR = tmp_path / "dispositions"
    make_schedule(people, "destroy", code="browser-destroy")
    cases = [make_case(people.agent, customer) for _ in range(2)]
    recompute(people)
    base = live_server.url

    _log_in(page, base, "rita", people.password)
    page.goto(f"{base}/retention/disposition/")
    row = page.locator("#due-browser-destroy")
    assert row.locator("td").nth(3).inner_text() == "2"
    row.locator("input[name=reason]").fill("retention period over")
    row.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/retention/disposition/*/")
    batch_url = page.url
    assert page.locator("#approve").count() == 0  # the proposer never approves

    _log_in(page, base, "carl", people.password)
    page.goto(batch_url)
    page.click("#approve")
    page.wait_for_selector("#execute")
    page.click("#execute")
    page.wait_for_selector("text=Certificate")
    page.click("a[href^='/retention/certificates/']")
    page.wait_for_selector("#cert-number")
    text = page.locator("body").inner_text()
    for case in cases:
        assert case.reference in text
    assert "rita" in text and "carl" in text
    assert "扣费两次" not in text and "Charged twice" not in text  # no content, ever
    assert not Case.objects.filter(pk__in=[c.pk for c in cases]).exists()
    report = verify_chain()
    assert report.ok and report.redactions
