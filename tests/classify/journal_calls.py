"""Classify's services, one real call each, for tests/test_every_service_journals.py."""

from __future__ import annotations

from tests.classify.conftest import BILLING, DELIVERY
from tests.factories import make_case, make_customer


def classify_calls(people):
    from caseledger.classify import services as classify

    made: dict = {}

    def customer():
        if "customer" not in made:
            made["customer"] = make_customer(people.agent, people.sales)
        return made["customer"]

    def history():
        if "history" not in made:
            made["history"] = True
            for category, sub, texts in (
                ("billing", "wrong_charge", BILLING),
                ("delivery", "late", DELIVERY),
            ):
                for subject, description in texts:
                    make_case(
                        people.agent, customer(), subject=subject, description=description,
                        category=category, subcategory=sub,
                    )  # fmt: skip

    def train():  # each call trains (and retires the model before)
        history()
        made["model"] = classify.classify_train(actor=people.admin)
        return made["model"]

    def trained():
        return made.get("model") or train()

    def misfiled():
        trained()
        return make_case(
            people.agent, customer(), subject="快递延误", description="包裹快递一直没送到",
            category="billing", subcategory="wrong_charge",
        )  # fmt: skip

    def auto_apply():
        classify.field_setting_set(
            actor=people.admin, field="category", auto_apply=True, min_confidence=0.5
        )
        misfiled()
        return classify.auto_apply_new_cases(actor=None)

    return {
        "caseledger.classify.services.classify_train": train,
        "caseledger.classify.services.suggestion_accept": lambda: classify.suggestion_accept(
            actor=people.agent, case=misfiled(), field="category"
        ),
        "caseledger.classify.services.suggestion_correct": lambda: classify.suggestion_correct(
            actor=people.agent, case=misfiled(), field="severity", value="critical"
        ),
        "caseledger.classify.services.field_setting_set": lambda: classify.field_setting_set(
            actor=people.admin, field="department", auto_apply=False
        ),
        "caseledger.classify.services.auto_apply_new_cases": auto_apply,
    }
