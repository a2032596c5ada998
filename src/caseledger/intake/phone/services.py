"""Recording a call from the quick-entry screen: either the call opens a case (the caller
matched by their number, or created, through `intake_record`, channel phone), or it is added
to one of the caller's open cases as a note from the customer. Journaled by those services;
the source names the call (`intake: phone:<number masked>`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.models import User
from caseledger.cases.models import Case, CaseNote, Channel, NoteKind, Status
from caseledger.cases.queries import case_get
from caseledger.cases.services import case_note_add
from caseledger.core.errors import ValidationFailed
from caseledger.customers.models import ContactKind
from caseledger.customers.validation import normalize_contact
from caseledger.intake.services import Recorded, intake_record
from caseledger.vault.masking import mask_mobile


@dataclass(frozen=True)
class CallRecorded:
    case: Case
    note: CaseNote | None = None  # set when the call was added to an open case
    recorded: Recorded | None = None  # set when the call opened a case


def phone_call_record(*, actor: User, data: Mapping[str, Any]) -> CallRecorded:
    """`data`: number, note (what the caller said), and either `case` (an open case of
    theirs to add the call to) or department, name, category, subject for a new case."""
    number, _problem = normalize_contact(ContactKind.PHONE, str(data.get("number") or ""))
    if not number:
        raise ValidationFailed(
            _("the caller's number is missing or not a phone number"),
            field="number",
            code="invalid",
        )
    note = str(data.get("note") or "").strip()
    if data.get("case"):
        case = case_get(actor=actor, case_id=data["case"])
        if case.status == Status.CLOSED:
            raise ValidationFailed(
                _("case %(ref)s is closed; reopen it or record a new case")
                % {"ref": case.reference},
                field="case",
                code="closed",
            )
        body = note or _("The customer called.")
        added = case_note_add(
            actor=actor, case=case, body=body, kind=NoteKind.INBOUND, channel=Channel.PHONE
        )
        return CallRecorded(case=case, note=added)
    case_data = {
        "kind": data.get("kind") or "complaint",
        "channel": Channel.PHONE,
        "category": data.get("category"),
        "subject": data.get("subject"),
        "description": note,
    }
    recorded = intake_record(
        actor=actor,
        data={
            "department": data.get("department"),
            "customer": {
                "kind": "person",
                "name": data.get("name"),
                "contact_points": [{"kind": ContactKind.PHONE, "value": number}],
            },
            "case": {k: v for k, v in case_data.items() if v not in (None, "")},
        },
        source=f"phone:{mask_mobile(number)}",
    )
    return CallRecorded(case=recorded.case, recorded=recorded)
