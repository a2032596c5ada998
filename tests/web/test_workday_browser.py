"""Issue 12's walk in Chromium: an administrator adds a department, a supervisor and an
agent, adopts the banking template; the agent takes a high-severity case from the queue,
acknowledges it, pauses for the customer, resumes and answers, asks to close it; the
supervisor approves the closure; the clocks shown match the rule; the agent is deactivated
with a successor and nothing is left behind."""

from __future__ import annotations

import datetime as dt
import re

from tests.web.test_browser import CHROMIUM, page, pytestmark  # noqa: F401  (fixture, marks)


def _log_in(page, base: str, username: str, password: str) -> None:  # noqa: F811
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _add_person(
    page,  # noqa: F811
    base: str,
    username: str,
    roles: list[str],
    department: str,
    supervises: str = "",
) -> str:
    page.goto(f"{base}/administration/people/new/")
    page.fill("#id_username", username)
    for role in roles:
        page.check(f"input[name=roles][value={role}]")
    page.select_option("#id_department", label=department)
    if supervises:
        page.select_option("#id_supervised_departments", label=supervises)
    page.click("button:has-text('Add')")
    return page.locator("#one-time-password").inner_text().strip()


def test_admin_agent_supervisor_walk(transactional_db, live_server, page, people, settings):  # noqa: F811
    from caseledger.cases.models import Case
    from caseledger.workflow.clocks.queries import clocks_of
    from caseledger.workflow.queries import orphaned_counts
    from tests.cli.helpers import run
    from tests.factories import make_case, make_customer

    base = live_server.url
    assert CHROMIUM
    page.set_default_timeout(30_000)  # a long walk on a shared machine

    # The administrator lands on the administration area, adds a department and two people.
    _log_in(page, base, "adam", people.password)
    assert page.url == f"{base}/administration/"
    page.click("a:has-text('Add a department')")
    page.fill("#id_code", "claims")
    page.fill("#id_name", "理赔 Claims")
    page.click("button:has-text('Save')")
    page.wait_for_selector("tr[data-department=claims]")
    sue_pw = _add_person(page, base, "sue", ["supervisor"], "理赔 Claims", "理赔 Claims")
    cathy_pw = _add_person(page, base, "cathy", ["agent"], "理赔 Claims")
    assert run("template", "adopt", "banking", "--department", "claims", "--as", "adam").out

    # A complaint waits in the claims queue.
    from caseledger.accounts.models import User

    cathy = User.objects.get(username="cathy")
    customer = make_customer(cathy, cathy.department)
    case = make_case(cathy, customer, severity="high", subject="多扣年费 Annual fee charged twice")
    assert case.assignee_id is None

    # The agent takes it from the queue, acknowledges it, waits for the customer, resumes.
    page.context.clear_cookies()
    _log_in(page, base, "cathy", cathy_pw)
    page.click("nav >> text=Queue")
    page.wait_for_selector(f"tr[data-case='{case.reference}']")
    page.click(f"tr[data-case='{case.reference}'] >> button:has-text('Assign to me')")
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    assert page.locator("#assignee-name").inner_text() == "cathy"
    page.click("summary[data-status=acknowledged]")
    page.click("#send-acknowledgement")
    page.wait_for_selector("tr[data-clock=first_response][data-state=met]")
    page.fill("#clock-wait input[name=reason]", "asked for the card statement")
    page.click("#clock-wait button")
    page.wait_for_selector("tr[data-clock=resolution][data-state=paused]")
    page.click("#clock-resume button")
    page.wait_for_selector("tr[data-clock=resolution]:not([data-state=paused])")
    page.click("button[data-status=responded]")
    page.wait_for_selector("tr[data-clock='statutory:cbirc-complaint'][data-state=met]")

    # The clock shown is the rule's: 15 days after receipt, the start day not counted.
    shown = page.locator("tr[data-clock='statutory:cbirc-complaint'] td[data-due]").get_attribute(
        "data-due"
    )
    [statutory] = [c for c in clocks_of(case.pk) if c.kind == "statutory:cbirc-complaint"]
    assert dt.datetime.fromisoformat(shown) == statutory.due_at
    assert "UNCONFIRMED" in page.locator("#clocks").inner_text()

    # A high-severity banking complaint: the agent asks to close it, the supervisor approves.
    page.click("summary:has-text('Closed')")
    assert page.locator("#close-needs-approval").is_visible()
    page.fill("#close-resolution", "Refunded the second charge.")
    page.fill("#close-root-cause", "The annual fee was posted twice.")
    page.click("button:has-text('Ask for approval to close')")
    page.wait_for_selector("#pending-approval")
    assert Case.objects.get(pk=case.pk).status != "closed"
    page.context.clear_cookies()
    _log_in(page, base, "sue", sue_pw)
    page.goto(f"{base}/cases/{case.pk}/")
    page.fill("#pending-approval form:has(#approve-move) input[name=reason]", "checked the refund")
    page.click("#approve-move")
    page.wait_for_selector("#case-status:has-text('Closed')")
    assert page.locator("tr[data-clock=resolution]").get_attribute("data-state") == "met"

    # Another open case of cathy's, then cathy leaves with sue as successor.
    other = make_case(cathy, customer, subject="second", assignee=cathy.pk)
    page.context.clear_cookies()
    _log_in(page, base, "adam", people.password)
    page.goto(f"{base}/administration/people/{cathy.pk}/")
    page.select_option("#deactivate select[name=successor]", label="sue")
    page.fill("#deactivate input[name=reason]", "moved to another company")
    page.click("#deactivate button:has-text('Deactivate')")
    page.wait_for_selector("text=cathy deactivated")
    assert re.search(r"1 open item\(s\) moved", page.content())
    assert Case.objects.get(pk=other.pk).assignee.username == "sue"
    page.goto(f"{base}/administration/")
    assert page.locator("#inactive-owners [data-count]").get_attribute("data-count") == "0"
    assert sum(orphaned_counts().values()) == 0
