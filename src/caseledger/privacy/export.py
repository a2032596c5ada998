"""Everything held about one customer, as plain JSON-ready data (PIPL Art 45, GDPR 15/20).

Called only from privacy.services.privacy_request_export, inside its transaction. With an
`actor`, identifiers are decrypted through customers.services.identifier_reveal, so each
one is journaled as a reveal; without, they stay masked.
"""

from __future__ import annotations

from typing import Any

from caseledger.accounts.models import User
from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.core import clock
from caseledger.core.state import model_state, plain
from caseledger.customers.models import Customer
from caseledger.journal.models import Entry

FORMAT = "caseledger.customer-export/1"


def _contact_points(customer: Customer) -> list[dict[str, Any]]:
    """The subject's own copy: the values themselves, not their sealed form."""
    return [
        {
            "id": cp.pk,
            "kind": cp.kind,
            "value": cp.value,
            "label": cp.label,
            "is_primary": cp.is_primary,
            "verified_at": plain(cp.verified_at),
            "created_at": plain(cp.created_at),
        }
        for cp in customer.contact_points.order_by("id")
    ]


def customer_export(customer: Customer, *, actor: User | None, reason: str) -> dict[str, Any]:
    from caseledger.customers.services import identifier_reveal
    from caseledger.privacy.models import Consent, PrivacyRequest

    identifiers = []
    for identifier in customer.identifiers.order_by("id"):
        row = {
            "id": identifier.pk,
            "kind": identifier.kind,
            "masked": identifier.masked,
            "created_at": plain(identifier.created_at),
        }
        if actor is not None:
            row["value"] = identifier_reveal(actor=actor, identifier=identifier, reason=reason)
        identifiers.append(row)
    cases = list(Case.objects.filter(customer=customer).order_by("id"))
    case_ids = [c.pk for c in cases]
    roots = [f"customer:{customer.pk}", *(f"case:{pk}" for pk in case_ids)]
    history = [
        {
            "seq": e.seq,
            "at": plain(e.at),
            "actor": e.actor_name,
            "via": e.via,
            "action": e.action,
            "object": f"{e.object_type}:{e.object_id}",
            "reason": e.reason,
        }
        for e in Entry.objects.filter(root__in=roots).order_by("seq")
    ]
    customer_row = model_state(customer)
    return {
        "format": FORMAT,
        "exported_at": plain(clock.now()),
        "customer": customer_row,
        "contact_points": _contact_points(customer),
        "identifiers": identifiers,
        "consents": [model_state(c) for c in Consent.objects.filter(customer=customer)],
        "privacy_requests": [
            model_state(r) for r in PrivacyRequest.objects.filter(customer=customer)
        ],
        "cases": [model_state(c) for c in cases],
        "notes": [
            model_state(n) for n in CaseNote.objects.filter(case_id__in=case_ids).order_by("id")
        ],
        # Metadata only: the files themselves go out separately if the subject asks.
        "attachments": [
            model_state(a) for a in Attachment.objects.filter(case_id__in=case_ids).order_by("id")
        ],
        "journal": history,
    }
