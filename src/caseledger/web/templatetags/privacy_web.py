"""The privacy panel of a customer page: pending changes, consent, contact points due for
re-verification. A tag rather than view context so the customer views stay as they are."""

from __future__ import annotations

from typing import Any

from django import template

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.privacy.models import LegalBasis, ObtainedBy
from caseledger.privacy.queries import consents, pending_changes, stale_contact_ids
from caseledger.privacy.services import HANDLE

register = template.Library()


@register.inclusion_tag("web/customers/_privacy.html", takes_context=True)
def privacy_panel(context: template.Context, customer: Any) -> dict[str, Any]:
    user = context["request"].user
    stale = stale_contact_ids(customer)
    return {
        "customer": customer,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "pending": list(pending_changes(actor=user, customer=customer)),
        "consents": list(consents(actor=user, customer=customer)),
        "stale_points": [cp for cp in customer.contact_points.all() if cp.pk in stale],
        "can_approve": can(user, Perm.CUSTOMER_APPROVE, customer.department_id),
        "can_modify": can(user, Perm.CUSTOMER_MODIFY, customer.department_id),
        "can_handle": can(user, HANDLE, customer.department_id),
        "legal_bases": LegalBasis.choices,
        "obtained_by": ObtainedBy.choices,
    }
