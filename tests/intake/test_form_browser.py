"""The bar of issue 13 in Chromium: a customer files a complaint with an attachment on
/complain/ (the ALTCHA widget solves the proof of work in the browser), gets a reference and
a code; an agent sees it in the queue, writes an internal note and a reply; the customer
sees the reply on the status page and not the note. No request leaves the site and the
strict CSP holds on the public pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.web.test_browser import _log_in, page, pytestmark  # noqa: F401  (fixtures, marks)
from tests.web.test_csp_browser import _WATCH


def test_a_customer_files_an_agent_replies_and_the_customer_reads_the_reply(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
    tmp_path,
):
    from caseledger.cases.models import Attachment, Case

    base = live_server.url
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlsplit(r.url).netloc not in ("", urlsplit(base).netloc)
            and r.url.startswith("http")
            else None
        ),
    )
    page.add_init_script(_WATCH)
    receipt = tmp_path / "收据-receipt.png"
    receipt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)

    # The customer files, in English; the widget verifies on the first focus.
    page.goto(f"{base}/complain/")
    page.fill("#id_name", "王小明")
    page.wait_for_selector("altcha-widget[id=altcha]")
    page.fill("#id_phone", "138 1234 5678")
    page.fill("#id_email", "wang@example.com")
    page.select_option("#id_category", "delivery")
    page.fill("#id_subject", "快递丢了 Parcel lost")
    page.fill("#id_description", "下单一周还没到。Ordered a week ago, nothing arrived.")
    page.set_input_files("#id_attachments", str(receipt))
    page.check("#id_consent")
    page.wait_for_function(
        "() => { const i = document.querySelector('input[name=altcha]');"
        " return i && i.value.length > 20; }",
        timeout=20_000,
    )
    public_violations = page.evaluate("window.__csp")  # the widget at work, before it goes
    page.click("#send")
    page.wait_for_selector("#reference")
    reference = page.inner_text("#reference").strip()
    code = page.inner_text("#code").strip()
    case = Case.objects.get(reference=reference)
    assert case.channel == "web_form"
    assert Attachment.objects.get(case=case).filename == "收据-receipt.png"
    public_violations += page.evaluate("window.__csp")

    # An agent finds it in the queue, notes internally and replies.
    _log_in(page, base, "alice", people.password)
    page.goto(f"{base}/queue/")
    page.click(f"#queue tr[data-case='{reference}'] a")
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    page.fill("#note-form #id_body", "内部备注：疑似快递员问题 INTERNAL NOTE")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#timeline .body:has-text('INTERNAL NOTE')")
    page.fill(
        "#reply-form textarea[name=body]", "我们已联系快递公司，明天补发。We resend it tomorrow."
    )
    page.click("#send-reply")
    page.wait_for_selector("#timeline .body:has-text('We resend it tomorrow.')")
    page.click("button:has-text('Log out')")

    # The customer looks it up: the reply, never the note.
    page.goto(f"{base}/complain/status/")
    page.fill("#id_reference", reference)
    page.fill("#id_code", code)
    page.click("#look-up")
    page.wait_for_selector("#replies")
    replies = page.inner_text("#replies")
    assert "We resend it tomorrow." in replies
    assert "INTERNAL NOTE" not in page.content()
    public_violations += page.evaluate("window.__csp")
    assert public_violations == []
    assert foreign == []
