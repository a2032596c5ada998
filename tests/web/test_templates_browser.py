"""Templates as data and the two-person close in Chromium (issue 12): the administrator
renames a category in the administration area (in Chinese) and agents see the new label;
an agent's close of a high-severity banking complaint waits until the supervisor approves."""

from __future__ import annotations

from tests.web.test_browser import CHROMIUM, page, pytestmark  # noqa: F401  (fixture, marks)


def _log_in(page, base: str, username: str, password: str) -> None:  # noqa: F811
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_admin_renames_a_category_in_chinese(transactional_db, live_server, page, people):  # noqa: F811
    from caseledger.cases import taxonomy
    from caseledger.cases.models import Category

    assert CHROMIUM
    base = live_server.url
    taxonomy.invalidate()
    _log_in(page, base, "adam", people.password)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page.goto(f"{base}/administration/")
    page.click("#open-templates")
    page.wait_for_selector("tr[data-category='billing/refund']")
    # A fresh database shows the built-in default; the first save stores it as records.
    assert page.locator("#default-note").is_visible()
    page.select_option("#id_scheme", "complaint")
    page.select_option("#id_parent", "billing")
    page.fill("#id_code", "fx_fee")
    page.fill("#id_label_en", "FX fee")
    page.fill("#id_label_zh", "货币转换费")
    page.click("#category-new button[type=submit]")
    page.wait_for_selector("tr[data-category='billing/fx_fee']")
    page.click("tr[data-category='billing'] a.edit-category")
    page.wait_for_selector("#category-edit")
    assert "中文名称" in page.content() or "保存" in page.content()
    page.fill("#id_label_zh", "收费与手续费")
    page.fill("#id_reason", "clearer wording")
    page.click("#category-edit button[type=submit]")
    page.wait_for_selector("tr[data-category='billing']")
    billing = Category.objects.get(code="billing", parent=None)
    assert billing.label_zh == "收费与手续费" and billing.version == 2

    taxonomy.invalidate()
    _log_in(page, base, "alice", people.password)
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page.goto(f"{base}/cases/new/")
    assert "收费与手续费" in page.locator("#id_category").inner_text()


def test_a_high_severity_banking_close_waits_for_the_supervisor(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
):
    from caseledger.cases.models import Case
    from caseledger.workflow.industries.services import template_adopt
    from tests.factories import make_case, make_customer

    base = live_server.url
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    customer = make_customer(people.agent, people.sales)
    case = make_case(people.agent, customer, severity="high", subject="信用卡被盗刷 Card fraud")

    _log_in(page, base, "alice", people.password)
    page.goto(f"{base}/cases/{case.pk}/")
    page.click("summary:has-text('Closed')")
    assert page.locator("#close-needs-approval").is_visible()
    page.fill("#close-resolution", "Refunded the fraudulent charges.")
    page.fill("#close-root-cause", "Card details skimmed at a terminal.")
    page.click("button:has-text('Ask for approval to close')")
    page.wait_for_selector("#pending-approval")
    assert page.locator("#case-status").inner_text() != "Closed"
    assert page.locator("#approve-move").count() == 0  # not by the one who asked
    assert Case.objects.get(pk=case.pk).status == "received"

    _log_in(page, base, "sam", people.password)
    page.goto(f"{base}/cases/{case.pk}/")
    page.fill("#pending-approval form:has(#approve-move) input[name=reason]", "checked the refund")
    page.click("#approve-move")
    page.wait_for_selector("#case-status:has-text('Closed')")
    closed = Case.objects.get(pk=case.pk)
    assert closed.status == "closed" and closed.root_cause.startswith("Card details")
