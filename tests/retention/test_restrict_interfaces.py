"""Restricting and lifting from every interface: the web pages, the API and the CLI, each
with a required reason, each refused to those without retention.manage."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError
from django.urls import reverse

from caseledger.cases.models import Case
from caseledger.customers.models import Customer
from caseledger.journal.models import Entry
from tests.cli.helpers import run

REASON = "Purpose ended; AML law keeps it 5 years"


def _url(kind, pk, verb):
    return reverse("web:restriction", args=[kind, pk, verb])


# ---- web ----------------------------------------------------------------------------------


def test_detail_pages_offer_restrict_only_to_retention_managers(people, case, customer, login):
    for user, shown in ((people.records_manager, True), (people.compliance, True),
                        (people.agent, False), (people.supervisor, False)):  # fmt: skip
        client = login(user)
        for page in (
            client.get(reverse("web:case_detail", args=[case.pk])),
            client.get(reverse("web:customer_detail", args=[customer.pk])),
        ):
            assert page.status_code == 200
            assert ('id="restrict"' in page.content.decode()) is shown
    refused = login(people.agent).post(_url("case", case.pk, "restrict"), {"reason": REASON})
    assert refused.status_code == 403
    assert Case.objects.get(pk=case.pk).restricted_at is None


def test_web_restrict_needs_a_reason_and_then_redirects_with_a_message(people, case, login):
    rita = login(people.records_manager)
    blank = rita.post(_url("case", case.pk, "restrict"), {"reason": "   "})
    assert blank.status_code == 422
    assert 'id="restriction-form"' in blank.content.decode()
    assert "This field is required" in blank.content.decode()
    assert Case.objects.get(pk=case.pk).restricted_at is None

    done = rita.post(_url("case", case.pk, "restrict"), {"reason": REASON}, follow=True)
    # rita cannot read restricted records: she lands on the list, told what happened
    assert done.redirect_chain[-1][0] == reverse("web:case_list")
    assert "restricted under PIPL Art 47" in done.content.decode()
    assert Case.objects.get(pk=case.pk).restricted_reason == REASON

    carl = login(people.compliance)
    detail = carl.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert REASON in detail and 'id="lift-restriction"' in detail
    again = carl.post(_url("case", case.pk, "restrict"), {"reason": REASON})
    assert again.status_code == 422 and "already restricted" in again.content.decode()
    lifted = carl.post(_url("case", case.pk, "unrestrict"), {"reason": "court ordered"})
    assert lifted.status_code == 302 and lifted["Location"].endswith(f"/cases/{case.pk}/")
    assert Case.objects.get(pk=case.pk).restricted_at is None
    entry = Entry.objects.filter(action="case.unrestrict").get()
    assert (entry.via, entry.actor_name, entry.reason) == ("web", "carl", "court ordered")


def test_web_restricts_a_customer_and_its_cases_follow(people, customer, case, login):
    carl = login(people.compliance)
    carl.post(_url("customer", customer.pk, "restrict"), {"reason": REASON})
    assert Customer.objects.get(pk=customer.pk).restricted_reason == REASON
    page = carl.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Restricted through its customer" in page and 'id="restrict"' not in page
    agent = login(people.agent).get(reverse("web:customer_detail", args=[customer.pk]))
    assert agent.status_code == 403 and "PIPL Art 47" in agent.content.decode()


# ---- API ----------------------------------------------------------------------------------


def test_api_restrict_and_unrestrict(people, case, customer, api_as):
    scopes = ["cases:read", "customers:read", "retention:write"]
    rita = api_as(people.records_manager, [*scopes, "restricted:read"])
    carl = api_as(people.compliance, [*scopes, "restricted:read"])
    carl_unscoped = api_as(people.compliance, scopes)
    no_scope = api_as(people.compliance, ["cases:read"])
    assert no_scope.post(f"/cases/{case.pk}/restrict", {"reason": REASON}).status_code == 403
    blank = rita.post(f"/cases/{case.reference}/restrict", {"reason": ""})
    assert blank.status_code == 422 and blank.json()["error"]["field"] == "reason"

    ok = rita.post(f"/cases/{case.reference}/restrict", {"reason": REASON})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["restricted"] is True and body["reason"] == REASON
    assert body["reference"] == case.reference and "subject" not in body
    # rita may restrict but not read a restricted record, so she cannot lift it either
    refused = rita.post(f"/cases/{case.pk}/unrestrict", {"reason": "x"})
    assert refused.status_code == 403 and "PIPL Art 47" in refused.json()["error"]["message"]
    # compliance's token sees restricted records only with restricted:read
    unscoped = carl_unscoped.post(f"/cases/{case.pk}/unrestrict", {"reason": "x"})
    assert unscoped.status_code == 403 and "PIPL Art 47" in unscoped.json()["error"]["message"]
    assert carl_unscoped.get(f"/cases/{case.reference}").status_code == 403
    assert carl.get(f"/cases/{case.reference}").status_code == 200
    assert carl.post(f"/cases/{case.pk}/restrict", {"reason": REASON}).status_code == 409
    lifted = carl.post(f"/cases/{case.pk}/unrestrict", {"reason": "court ordered"})
    assert lifted.status_code == 200 and lifted.json()["restricted"] is False

    cust = carl.post(f"/customers/{customer.pk}/restrict", {"reason": REASON})
    assert cust.status_code == 200 and cust.json()["record"] == "customer"
    assert carl.post(f"/customers/{customer.pk}/unrestrict", {"reason": "ok"}).status_code == 200
    assert carl.post(f"/customers/{customer.pk}/unrestrict", {"reason": "ok"}).status_code == 409
    extra = carl.post(f"/customers/{customer.pk}/restrict", {"reason": "r", "x": 1})
    assert extra.status_code == 422


# ---- CLI ----------------------------------------------------------------------------------


def test_cli_restrict_and_unrestrict(people, case, customer):
    out = run("retention", "restrict", "--case", case.reference, "--reason", REASON,
              "--as", "rita")  # fmt: skip
    assert f"case {case.reference} restricted (PIPL Art 47)" in out.out
    assert Entry.objects.get(action="case.restrict").via == "cli"
    with pytest.raises(CommandError, match="PIPL Art 47"):  # rita cannot read it any more
        run("retention", "unrestrict", "--case", case.reference, "--reason", "x", "--as", "rita")
    data = run("retention", "unrestrict", "--case", str(case.pk), "--reason", "court ordered",
               "--as", "carl", "--json").json()  # fmt: skip
    assert data == {"case": case.reference, "restricted": False, "reason": "court ordered"}

    with pytest.raises(CommandError, match="do not allow you to"):
        run("retention", "restrict", "--case", case.reference, "--reason", REASON,
            "--as", "alice")  # fmt: skip
    run("retention", "restrict", "--customer", str(customer.pk), "--reason", REASON,
        "--as", "carl")  # fmt: skip
    assert Customer.objects.get(pk=customer.pk).restricted_at is not None
    with pytest.raises(CommandError, match="reason"):
        run("retention", "unrestrict", "--customer", str(customer.pk), "--reason", " ",
            "--as", "carl")  # fmt: skip
    with pytest.raises(CommandError):  # exactly one of --case / --customer
        run("retention", "restrict", "--reason", REASON, "--as", "carl")
