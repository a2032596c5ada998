"""The Content-Security-Policy in a real browser: every main page, used as people use it
(htmx searches, the language switch, the API docs), raises no CSP violation."""

from __future__ import annotations

from caseledger.journal.services import checkpoint_create
from tests.web.test_browser import _log_in, page, pytestmark  # noqa: F401  (fixtures, marks)

# Collects every violation the browser reports, before any of the page's own scripts run.
_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _watched(page):  # noqa: F811
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(_WATCH)
    return console


def _visit(page, url: str, seen: list[str]) -> None:  # noqa: F811
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    assert response.headers.get("content-security-policy"), url
    page.wait_for_load_state("networkidle")
    seen.extend(f"{url}: {v}" for v in page.evaluate("window.__csp"))


def test_the_main_pages_raise_no_policy_violation_for_any_role(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
    customer,
    case,
):
    checkpoint_create()
    console = _watched(page)
    base = live_server.url
    violations: list[str] = []
    _visit(page, f"{base}/login/", violations)
    _log_in(page, base, "alice", people.password)
    for path in (
        "/cases/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/edit/",
        f"/cases/{case.pk}/history/",
        "/cases/new/",
        "/customers/",
        f"/customers/{customer.pk}/",
        "/account/password/",
    ):
        _visit(page, base + path, violations)
    # htmx at work: the live search swaps results in; the language switch posts a form.
    page.goto(f"{base}/cases/")
    page.fill("input[name=q]", "Charged")
    page.wait_for_load_state("networkidle")
    violations.extend(page.evaluate("window.__csp"))
    page.select_option("select[name=language]", "zh-hans")
    page.wait_for_selector("html[lang=zh-hans] #results")
    page.wait_for_load_state("networkidle")
    violations.extend(page.evaluate("window.__csp"))
    page.click("button:has-text('退出')")

    for username, paths in (
        ("audrey", ("/journal/", "/journal/1/", "/retention/")),
        (
            "rita",
            ("/retention/", "/retention/disposition/", "/retention/certificates/"),
        ),
        ("carl", ("/privacy/requests/", "/privacy/reverify/", "/privacy/quality/")),
        ("adam", ("/backups/", "/api/v1/docs")),
    ):
        _log_in_any(page, base, username, people.password)
        for path in paths:
            _visit(page, base + path, violations)
        page.goto(f"{base}/cases/")
        page.locator("form[action='/logout/'] button").click()

    assert violations == [] and console == [], violations + console


def _log_in_any(page, base: str, username: str, password: str) -> None:  # noqa: F811
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_note_added_after_resizing_the_note_box_raises_no_policy_violation(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
    case,
):
    # Dragging a textarea's corner gives it a style attribute; htmx used to copy ("settle")
    # it onto the swapped-in timeline with setAttribute("style"), which the CSP blocks.
    console = _watched(page)
    base = live_server.url
    _log_in(page, base, "alice", people.password)
    page.goto(f"{base}/cases/{case.pk}/")
    page.eval_on_selector("#id_body", "box => { box.style.height = '12rem'; }")
    page.fill("#id_body", "客户来电 Called back")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#timeline .body:has-text('Called back')")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == [] and console == []
