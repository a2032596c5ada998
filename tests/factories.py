"""Test data, always made through the services so every record is journaled."""

from __future__ import annotations

import itertools
from typing import Any

_counter = itertools.count(1)


def make_customer(actor, department, **overrides: Any):
    from caseledger.customers.services import customer_create

    n = next(_counter)
    data: dict[str, Any] = {
        "kind": "person",
        "name": f"客户 Customer {n}",
        "department": department.pk,
        "contact_points": [
            {"kind": "phone", "value": f"1381234{n % 10000:04d}"},
            {"kind": "email", "value": f"customer{n}@example.com"},
        ],
    }
    data.update(overrides)
    return customer_create(actor=actor, data=data)


def make_case(actor, customer, **overrides: Any):
    from caseledger.cases.services import case_create

    data: dict[str, Any] = {
        "kind": "complaint",
        "channel": "phone",
        "category": "billing",
        "subcategory": "wrong_charge",
        "subject": "扣费两次 Charged twice",
        "description": "The customer says the March bill was charged twice.",
        "customer_request": "Refund the second charge",
        "department": customer.department_id,
        "customer": customer.pk,
    }
    data.update(overrides)
    return case_create(actor=actor, data=data)
