"""A reveal in a real browser: compliance types a reason, sees the value, and the page masks
it again after CASELEDGER_REVEAL_SECONDS; the reveal is journaled."""

from __future__ import annotations

from caseledger.customers.services import identifier_add
from caseledger.journal.models import Entry
from tests.web.test_browser import _log_in, page, pytestmark  # noqa: F401  (fixtures, marks)

RESIDENT_ID = "11010519491231002X"


def test_a_revealed_identifier_is_masked_again_after_the_configured_time(
    transactional_db,
    live_server,
    page,  # noqa: F811
    people,
    customer,
    settings,
):
    settings.REVEAL_SECONDS = 2
    added = identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID
    )
    identifier = getattr(added, "identifier", added)
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "carl")
    page.fill("#id_password", people.password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/identifiers/{identifier.pk}/reveal/")
    assert RESIDENT_ID not in page.content()
    reveal_button = ".form-actions button[type=submit]"
    page.click(reveal_button)  # no reason: refused, nothing shown
    assert RESIDENT_ID not in page.content()
    page.fill("[name=reason]", "customer asked for a copy of the contract")
    page.click(reveal_button)
    value = page.locator("#revealed-value")
    assert value.inner_text() == RESIDENT_ID
    page.wait_for_function(
        "() => document.querySelector('#revealed-value').classList.contains('expired')",
        timeout=6_000,
    )
    assert value.inner_text() == "1****************X"
    assert RESIDENT_ID not in page.locator("body").inner_text()
    reveal = Entry.objects.filter(action="customer.reveal").latest("seq")
    assert reveal.actor_name == "carl" and "contract" in reveal.reason
