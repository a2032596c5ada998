"""A hold reaches every interface through the services: API 409 naming the matter, web
forms showing it, the CLI placing and releasing, and the console listing it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation

from caseledger.retention.models import LegalHold
from caseledger.retention.services import hold_place


def _hold(people, case):
    return hold_place(
        actor=people.records_manager,
        matter="Matter 2026-017",
        reason="litigation",
        scope="cases",
        cases=[case.pk],
    )


def test_api_patch_of_a_held_case_is_409_naming_the_hold(people, case, api_as):
    hold = _hold(people, case)
    response = api_as(people.agent).patch(f"/cases/{case.pk}", {"priority": "urgent", "version": 1})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "held" and error["field"] == "hold"
    assert "Matter 2026-017" in error["message"]
    rm = api_as(people.records_manager, ["retention:write"])
    assert rm.post(f"/holds/{hold.pk}/release", {"reason": "settled"}).status_code == 200
    ok = api_as(people.agent).patch(f"/cases/{case.pk}", {"priority": "urgent", "version": 1})
    assert ok.status_code == 200 and ok.json()["priority"] == "urgent"


def test_api_customer_patch_of_a_held_customer_is_409(people, customer, api_as):
    hold_place(
        actor=people.compliance,
        matter="Regulator 88",
        reason="r",
        scope="customers",
        customers=[customer.pk],
    )
    response = api_as(people.agent).patch(
        f"/customers/{customer.pk}", {"name": "New", "version": customer.version}
    )
    assert response.status_code == 409 and "Regulator 88" in response.json()["error"]["message"]


def test_api_places_and_lists_holds_for_records_managers_only(people, case, api_as):
    body = {"matter": "M-1", "reason": "r", "scope": "cases", "cases": [case.reference]}
    assert api_as(people.agent, ["retention:write"]).post("/holds", body).status_code == 403
    rm = api_as(people.records_manager, ["retention:write"])
    created = rm.post("/holds", body)
    assert created.status_code == 201 and created.json()["cases"] == [case.pk]
    assert [h["matter"] for h in rm.get("/holds", {"active": "true"}).json()] == ["M-1"]
    bad = rm.post("/holds", {**body, "scope": "filter", "filter": {"colour": "red"}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "filter"


def test_api_creates_and_lists_schedules(people, api_as):
    rm = api_as(people.records_manager, ["retention:write"])
    body = {
        "name": "Complaints",
        "record_kind": "case",
        "period_years": 3,
        "triggers": ["case_closed"],
        "action": "review",
        "legal_source": "common practice",
    }
    created = rm.post("/retention/schedules", body)
    assert created.status_code == 201, created.json()
    assert created.json()["code"] == "complaints" and created.json()["version"] == 1
    bad = rm.post("/retention/schedules", {**body, "code": "x", "triggers": ["moon_phase"]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "triggers"
    listed = api_as(people.auditor, ["retention:read"]).get("/retention/schedules")
    assert [s["code"] for s in listed.json()] == ["complaints"]


def test_web_edit_form_of_a_held_case_shows_the_hold(people, case, login):
    _hold(people, case)
    client = login(people.agent)
    response = client.post(
        f"/cases/{case.pk}/edit/",
        {
            "kind": case.kind,
            "channel": case.channel,
            "category": case.category,
            "subcategory": case.subcategory,
            "severity": case.severity,
            "priority": "urgent",
            "department": case.department_id,
            "subject": case.subject,
            "description": case.description,
            "customer_request": case.customer_request,
            "received_at": case.received_at.strftime("%Y-%m-%dT%H:%M"),
            "version": case.version,
            "reason": "",
        },
    )
    assert response.status_code == 409
    assert "Matter 2026-017" in response.content.decode()
    case.refresh_from_db()
    assert case.priority == "normal"


def test_web_contact_add_on_a_held_customer_names_the_hold(people, customer, login):
    hold_place(
        actor=people.compliance,
        matter="Regulator 88",
        reason="r",
        scope="customers",
        customers=[customer.pk],
    )
    response = login(people.agent).post(
        f"/customers/{customer.pk}/contacts/", {"kind": "email", "value": "n@example.com"}
    )
    assert response.status_code == 409 and "Regulator 88" in response.content.decode()


def test_web_console_places_lists_and_releases(people, case, login):
    client = login(people.records_manager)
    page = client.get("/cases/")
    assert 'href="/retention/"' in page.content.decode()
    assert 'href="/retention/"' not in login(people.agent).get("/cases/").content.decode()
    assert login(people.agent).get("/retention/").status_code == 403
    response = client.post(
        "/retention/holds/",
        {"matter": "Web matter", "reason": "r", "scope": "cases", "targets": case.reference},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(matter="Web matter")
    assert "Web matter" in client.get("/retention/").content.decode()
    bad = client.post("/retention/holds/", {"matter": "X", "reason": "r", "scope": "cases"})
    assert bad.status_code == 422 and "name at least one case" in bad.content.decode()
    client.post(f"/retention/holds/{hold.pk}/release/", {"reason": "done"})
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_cli_places_lists_and_releases_a_hold(people, case, capsys):
    call_command(
        "hold",
        "place",
        "--as",
        "rita",
        "--matter",
        "CLI matter",
        "--reason",
        "r",
        "--case",
        case.reference,
    )
    hold = LegalHold.objects.get(matter="CLI matter")
    call_command("hold", "list")
    assert "CLI matter" in capsys.readouterr().out
    call_command("hold", "release", str(hold.pk), "--as", "carl", "--reason", "settled")
    hold.refresh_from_db()
    assert hold.released_by == people.compliance


@pytest.fixture
def back_to_english():
    """The locale middleware leaves the request's language active in this thread."""
    yield
    translation.activate("en")


def test_the_console_speaks_chinese(people, case, login, back_to_english):
    _hold(people, case)
    client = login(people.compliance)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/retention/"})
    page = client.get("/retention/").content.decode()
    assert "保管期限与诉讼保全" in page and "生效中的诉讼保全" in page and "解除" in page
    hold_place(
        actor=people.compliance,
        matter="M-88",
        reason="r",
        scope="customers",
        customers=[case.customer_id],
    )
    agent = login(people.agent)
    agent.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = agent.post(
        f"/customers/{case.customer_id}/contacts/", {"kind": "email", "value": "a@b.cn"}
    )
    assert response.status_code == 409 and "此记录处于诉讼保全中" in response.content.decode()


def _customer_hold(people, customer, matter="Regulator 88"):
    return hold_place(
        actor=people.compliance, matter=matter, reason="r", scope="customers",
        customers=[customer.pk],
    )  # fmt: skip


def test_a_maker_checker_proposal_on_a_held_customer_is_refused_naming_the_hold(people, customer):
    """Given a hold on a customer, when an agent proposes a sensitive identifier, then the
    proposal itself is refused naming the matter, and no pending change waits to block a
    later merge."""
    from caseledger.journal.models import Entry
    from caseledger.privacy.models import PendingChange
    from caseledger.privacy.services import identifier_change_propose
    from caseledger.retention.errors import Held

    _customer_hold(people, customer)
    entries = Entry.objects.count()
    with pytest.raises(Held, match="Regulator 88"):
        identifier_change_propose(
            actor=people.agent, customer=customer, kind="resident_id",
            value="11010519491231002X",
        )  # fmt: skip
    assert not PendingChange.objects.exists()
    assert Entry.objects.count() == entries


def test_api_identifier_proposal_on_a_held_customer_is_409_not_202(people, customer, api_as):
    from caseledger.privacy.models import PendingChange

    _customer_hold(people, customer)
    response = api_as(people.agent).post(
        f"/customers/{customer.pk}/identifiers",
        {"kind": "resident_id", "value": "11010519491231002X", "reason": "ID card"},
        key="held-proposal-1",
    )
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "held" and "Regulator 88" in error["message"]
    assert not PendingChange.objects.exists()


def test_web_identifier_form_on_a_held_customer_names_the_hold(people, customer, login):
    from caseledger.privacy.models import PendingChange

    _customer_hold(people, customer, matter="Matter 2026-031")
    response = login(people.agent).post(
        f"/customers/{customer.pk}/identifiers/",
        {"kind": "resident_id", "value": "11010519491231002X", "reason": "ID card"},
    )
    assert response.status_code == 409 and "Matter 2026-031" in response.content.decode()
    assert not PendingChange.objects.exists()


def test_web_hold_scope_is_chosen_with_the_case_lists_filters_and_read_in_words(
    people, case, login
):
    client = login(people.records_manager)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/retention/"})
    form = client.get("/retention/").content.decode()
    assert 'name="filter-category"' in form and 'name="filter-department"' in form
    assert "JSON" not in form
    response = client.post(
        "/retention/holds/",
        {
            "matter": "扣费争议",
            "reason": "律师函",
            "scope": "filter",
            "filter-category": "billing",
            "filter-department": str(people.sales.pk),
            "filter-received_from": "2025-01-01",
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(matter="扣费争议")
    assert hold.case_filter == {
        "category": "billing",
        "department": str(people.sales.pk),
        "received_from": "2025-01-01",
    }
    page = client.get("/retention/").content.decode()
    assert "类别：账单与费用" in page and "Sales 销售部" in page and "{'" not in page
    empty = client.post("/retention/holds/", {"matter": "X", "reason": "r", "scope": "filter"})
    assert empty.status_code == 422 and "请至少选择一个筛选条件" in empty.content.decode()
