"""The administration's taxonomy and process step pages, and the process on a case's page
(issue 12), in both languages: an administrator renames a category and adds a subcategory;
a step rule is edited; an agent's close of a high-severity banking case waits and the
supervisor approves it; the acknowledgement goes out from the page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from caseledger.cases import taxonomy
from caseledger.cases.models import Case, Category
from caseledger.cases.services import category_by_code
from caseledger.workflow.industries.services import template_adopt
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    taxonomy.invalidate()
    yield
    taxonomy.invalidate()


def test_an_administrator_renames_a_category_on_the_web(people, login):
    admin = login(people.admin)
    page = admin.get(reverse("web:templates_admin"))
    assert page.status_code == 200 and 'data-category="billing/refund"' in page.content.decode()

    from caseledger.cases.services import category_create

    category_create(actor=people.admin, data={"code": "x1", "label_en": "X", "label_zh": "X"})
    billing = category_by_code("billing")
    saved = admin.post(
        reverse("web:category_edit", args=[billing.pk]),
        {"label_en": "Charges", "label_zh": "收费", "position": 3, "is_active": "on",
         "version": billing.version, "reason": "clearer"},
    )  # fmt: skip
    assert saved.status_code == 302
    billing.refresh_from_db()
    assert (billing.label_en, billing.label_zh, billing.version) == ("Charges", "收费", 2)


def test_a_bad_entry_is_refused_next_to_its_field(people, login):
    admin = login(people.admin)
    refused = admin.post(
        reverse("web:templates_admin"),
        {"scheme": "complaint", "parent": "billing", "code": "refund", "label_en": "R",
         "label_zh": "退"},
    )  # fmt: skip
    assert refused.status_code == 422 and "already exists" in refused.content.decode()
    added = admin.post(
        reverse("web:templates_admin"),
        {"scheme": "complaint", "parent": "billing", "code": "fx_fee", "label_en": "FX fee",
         "label_zh": "货币转换费"},
    )  # fmt: skip
    assert added.status_code == 302
    assert Category.objects.filter(code="fx_fee", parent__code="billing").exists()


def test_a_step_rule_is_edited_on_the_web(people, login):
    admin = login(people.admin)
    assert admin.get(reverse("web:step_rule_edit", args=["closed"])).status_code == 200
    saved = admin.post(
        reverse("web:step_rule_edit", args=["closed"]),
        {"fields_required": ["resolution", "root_cause"], "approval_severities": ["critical"]},
    )
    assert saved.status_code == 302
    needs = taxonomy.step_needs(people.sales.pk, "closed")
    assert needs.fields == ("resolution", "root_cause") and needs.approval_severities == (
        "critical",
    )


def test_agents_and_supervisors_may_not_open_the_pages(people, login):
    for who in (people.agent, people.supervisor):
        assert login(who).get(reverse("web:templates_admin")).status_code == 403


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_high_severity_banking_close_waits_for_the_supervisor(people, customer, login, language):
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    case = make_case(people.agent, customer, severity="high")
    agent = login(people.agent)
    agent.cookies["django_language"] = language

    detail = agent.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert 'id="close-needs-approval"' in detail and 'id="close-root-cause"' in detail
    asked = agent.post(
        reverse("web:case_transition", args=[case.pk]),
        {"status": "closed", "version": case.version, "resolution": "Refunded",
         "root_cause": "Posted twice"},
        follow=True,
    )  # fmt: skip
    page = asked.content.decode()
    assert 'id="pending-approval"' in page and 'id="approve-move"' not in page
    assert ("待审批" if language == "zh-hans" else "Waiting for approval") in page
    assert Case.objects.get(pk=case.pk).status == "received"

    supervisor = login(people.supervisor)
    supervisor.cookies["django_language"] = language
    shown = supervisor.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert 'id="approve-move"' in shown
    assert (
        "申请将案件转为已结案" if language == "zh-hans" else "asks to move the case to"
    ) in shown
    approval = case.approvals.get()
    supervisor.post(reverse("web:approval_decide", args=[approval.pk, "approve"]), {"reason": ""})
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_the_acknowledgement_is_sent_from_the_case_page(people, case, login):
    agent = login(people.agent)
    detail = agent.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert 'id="send-acknowledgement"' in detail

    agent.post(reverse("web:case_acknowledge", args=[case.pk]), {"language": "en", "email": "on"})

    assert Case.objects.get(pk=case.pk).status == "acknowledged"
    assert case.reference in mail.outbox[0].body
