"""Which fields the public form asks for. The categories are the case taxonomy's; the
references a customer can quote (order, product, contract or policy) follow the industry
template the department adopted (`caseledger template adopt`, journaled as template.adopt):
an e-commerce customer has an order number, a bank's a contract, and so on. No template
adopted: the default taxonomy's order and product references."""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _

from caseledger.accounts.models import Department
from caseledger.journal.models import Entry

# industry -> the case reference fields its customers can quote, in the order shown
REFERENCES: dict[str, tuple[str, ...]] = {
    "banking": ("contract_ref", "product_ref"),
    "insurance": ("contract_ref", "product_ref"),
    "securities": ("contract_ref", "product_ref"),
    "telecom": ("contract_ref", "product_ref"),
    "e-commerce": ("order_ref", "product_ref"),
    "saas": ("contract_ref", "product_ref"),
    "medical": ("order_ref",),
    "education": ("contract_ref",),
    "manufacturing": ("product_ref", "order_ref"),
}
DEFAULT_REFERENCES = ("order_ref", "product_ref")

LABELS = {
    "order_ref": _("Order number"),
    "product_ref": _("Product or service"),
    "contract_ref": _("Contract, account or policy number"),
}


def adopted_industry(department: Department) -> str | None:
    """The industry of the newest template adopted for the department, if any."""
    entry = (
        Entry.objects.filter(
            action="template.adopt", object_type="department", object_id=str(department.pk)
        )
        .select_related("payload")
        .order_by("-seq")
        .first()
    )
    body = getattr(getattr(entry, "payload", None), "body", None)
    if not body:
        return None
    industry = (json.loads(body).get("state") or {}).get("industry")
    return industry if isinstance(industry, str) else None


def reference_fields(department: Department) -> tuple[str, ...]:
    industry = adopted_industry(department)
    return REFERENCES.get(industry or "", DEFAULT_REFERENCES)
