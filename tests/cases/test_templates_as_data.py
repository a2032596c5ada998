"""Templates as data (issue 12): the taxonomy and the process step rules are records an
administrator edits, versioned and journaled, with English and Chinese labels; a fresh
database reads the built-in default, and the first edit stores it unchanged; `template
adopt` installs an industry's categories and rules, idempotently, per department."""

from __future__ import annotations

import pytest
from django.utils import translation

from caseledger.cases import taxonomy
from caseledger.cases.models import Category, IndustryAdoption, StepRule
from caseledger.cases.services import (
    category_by_code,
    category_create,
    category_update,
    step_rule_set,
)
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.workflow.industries.services import template_adopt
from tests.cli.helpers import run
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _fresh_taxonomy():
    taxonomy.invalidate()
    yield
    taxonomy.invalidate()


def test_a_fresh_database_reads_the_default_taxonomy_in_both_languages(people):
    assert Category.objects.count() == 0
    assert "billing" in taxonomy.categories() and "price" in taxonomy.categories()
    with translation.override("zh-hans"):
        assert str(taxonomy.category_label("billing")) == "账单与费用"
    with translation.override("en"):
        assert str(taxonomy.category_label("billing")) == "Billing and fees"


def test_an_administrator_renames_a_category_and_the_default_is_stored_first(people):
    category_update(
        actor=people.admin, category="billing", data={"label_zh": "收费问题"}, reason="wording"
    )

    stored = Category.objects.count()
    assert stored == len(taxonomy.default_nodes())
    billing = category_by_code("billing")
    assert billing.version == 2 and billing.label_zh == "收费问题"
    with translation.override("zh-hans"):
        assert str(taxonomy.category_label("billing")) == "收费问题"
    entry = Entry.objects.filter(action="category.update").get()
    assert entry.object_id == str(billing.pk) and entry.reason == "wording"
    assert Entry.objects.filter(action="category.create").count() == stored


def test_a_new_subcategory_and_objection_type_are_offered(people, customer):
    category_create(
        actor=people.admin,
        data={"code": "double_charge", "parent": "billing", "label_en": "Double charge",
              "label_zh": "重复扣费"},
    )  # fmt: skip
    category_create(
        actor=people.admin,
        data={"scheme": "objection", "code": "budget", "label_en": "No budget",
              "label_zh": "没有预算"},
    )  # fmt: skip

    assert "double_charge" in taxonomy.subcategories("billing")
    assert "budget" in taxonomy.categories(scheme="objection")
    case = make_case(people.agent, customer, subcategory="double_charge")
    assert case.subcategory == "double_charge"


def test_a_deactivated_category_is_no_longer_offered_but_its_cases_keep_it(people, customer):
    case = make_case(people.agent, customer, category="delivery", subcategory="late")
    category_update(actor=people.admin, category="delivery", data={"is_active": False})

    assert "delivery" not in taxonomy.categories()
    with pytest.raises(ValidationFailed, match="not a category offered"):
        make_case(people.agent, customer, category="delivery", subcategory="")
    from caseledger.cases.services import case_update

    case_update(actor=people.agent, case=case, data={"priority": "high", "category": "delivery"})


def test_bad_edits_are_refused_with_the_field_named(people):
    with pytest.raises(PermissionDenied):
        category_create(
            actor=people.supervisor, data={"code": "x", "label_en": "X", "label_zh": "X"}
        )
    with pytest.raises(ValidationFailed) as refused:
        category_create(actor=people.admin, data={"code": "bad code!", "label_en": ""})
    assert {e.field for e in refused.value.errors} >= {"code", "label_en", "label_zh"}
    with pytest.raises(Conflict, match="already exists"):
        category_create(actor=people.admin, data={"code": "billing", "label_en": "B",
                                                  "label_zh": "B"})  # fmt: skip
    with pytest.raises(ValidationFailed, match="no category 'nowhere'"):
        category_create(actor=people.admin, data={"code": "x", "parent": "nowhere",
                                                  "label_en": "X", "label_zh": "X"})  # fmt: skip
    with pytest.raises(ValidationFailed, match="not one of"):
        step_rule_set(actor=people.admin, status="closed", data={"fields": ["shoe_size"]})


def test_a_step_rule_is_versioned_and_journaled(people):
    rule = step_rule_set(
        actor=people.admin, status="closed", data={"fields": ["resolution", "root_cause"]}
    )
    again = step_rule_set(
        actor=people.admin, status="closed", data={"fields": ["resolution", "root_cause"]}
    )

    assert rule.version == 2 and again.version == 2  # the default, then this edit
    assert taxonomy.step_needs(people.sales.pk, "closed").fields == ("resolution", "root_cause")
    assert Entry.objects.filter(action="step_rule.set", object_id=str(rule.pk)).count() == 2


def test_banking_and_telecom_for_two_departments_each_see_their_own(people):
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    template_adopt(actor=people.admin, industry="telecom", department=people.service)

    sales, service = taxonomy.categories(people.sales.pk), taxonomy.categories(people.service.pk)
    assert "bank_cards" in sales and "bank_cards" not in service
    assert "tel_network" in service and "tel_network" not in sales
    assert "billing" in sales and "billing" in service  # the default stays
    assert taxonomy.step_needs(people.sales.pk, "closed").approval_severities == (
        "high",
        "critical",
    )
    assert taxonomy.step_needs(people.service.pk, "closed").approval_severities == ()
    banking = taxonomy.step_needs(people.sales.pk, "acknowledged")
    assert banking.within_minutes == 480 and "UNCONFIRMED" in banking.sources[0]


def test_adopting_twice_installs_nothing_more_and_keeps_the_administrators_edits(people):
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    cards = category_by_code("bank_cards")
    category_update(actor=people.admin, category=cards, data={"label_en": "Cards"})
    counts = (Category.objects.count(), StepRule.objects.count())

    again = template_adopt(actor=people.admin, industry="banking", department=people.sales)

    assert again["categories_added"] == 0 and again["step_rules_added"] == 0
    assert (Category.objects.count(), StepRule.objects.count()) == counts
    assert category_by_code("bank_cards").label_en == "Cards"
    template_adopt(actor=people.admin, industry="banking", department=people.service)
    assert IndustryAdoption.objects.filter(industry="banking").count() == 2


def test_the_taxonomy_command_lists_adds_and_edits(people):
    run("taxonomy", "add", "refund_slow", "--parent", "billing", "--en", "Slow refund",
        "--zh", "退款慢")  # fmt: skip
    run("taxonomy", "edit", "refund_slow", "--parent", "billing", "--zh", "退款太慢")
    run("taxonomy", "require", "closed", "--fields", "resolution,root_cause")

    listed = run("taxonomy", "list").out
    assert "billing/refund_slow" in listed and "退款太慢" in listed
    assert "closed" in run("taxonomy", "rules").out
    assert taxonomy.step_needs(None, "closed").fields == ("resolution", "root_cause")


def test_the_public_form_offers_the_complaint_categories_of_its_department(people):
    from caseledger.intake.form.forms import ComplaintForm

    template_adopt(actor=people.admin, industry="banking", department=people.sales)

    sales = dict(ComplaintForm(department_id=people.sales.pk).fields["category"].choices)
    service = dict(ComplaintForm(department_id=people.service.pk).fields["category"].choices)
    assert "bank_cards" in sales and "bank_cards" not in service
    assert "billing" in service and "price" not in service  # objection types are not offered
