"""Filing a complaint from the public form, and a customer's look at their case. Every
write goes through `intake_record` (customer matched or created, case recorded), the
privacy service (the consent the notice asked for) and the case attachment service, and the
filing itself is journaled (`intake.form_submit`) naming its submission: all in one
transaction, or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, CaseNote, Channel
from caseledger.cases.services import PUBLIC_NOTE_KINDS, case_attachment_add
from caseledger.core import clock
from caseledger.core.errors import ValidationFailed
from caseledger.core.state import model_state
from caseledger.intake.actions import IntakeAction
from caseledger.intake.form import codes
from caseledger.intake.form.models import FormSubmission
from caseledger.intake.services import intake_record
from caseledger.journal.services import record_change, write_transaction
from caseledger.privacy.services import consent_grant

# The privacy notice shown on the form; a new wording gets a new version, so each consent
# says which text was accepted.
NOTICE_VERSION = "2026-12"
CONSENT = {
    "purpose": f"handling this complaint (privacy notice {NOTICE_VERSION})",
    "data_scope": "name, phone, e-mail, the complaint and its attachments",
    "channel_scope": "web form",
    "legal_basis": "consent",
    "obtained_by": "form",
}
CASE_FIELDS = (
    "category", "subject", "description", "customer_request", "order_ref", "product_ref",
    "contract_ref",
)  # fmt: skip


@dataclass(frozen=True)
class Filed:
    submission: FormSubmission
    case: Case
    code: str  # shown once and e-mailed; only its hash is kept
    customer_created: bool
    probable_duplicates: tuple[int, ...]


def _intake_data(department: Department, data: Mapping[str, Any]) -> dict[str, Any]:
    contacts = [
        {"kind": kind, "value": data[kind], "is_primary": not i}
        for i, kind in enumerate(k for k in ("phone", "email") if data.get(k))
    ]
    case = {k: data[k] for k in CASE_FIELDS if data.get(k)}
    case.update(kind="complaint", channel=Channel.WEB_FORM)
    return {
        "department": department,
        "customer": {"kind": "person", "name": data.get("name"), "contact_points": contacts},
        "case": case,
    }


def form_submit(
    *,
    actor: User,
    department: Department,
    data: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
    language: str = "",
    pow_id: str,
) -> Filed:
    """File `data` (name, phone and/or email, category, subject, description, …) with its
    files for the department, as the form's service account `actor`. `pow_id` is the spent
    proof of work; a second filing with it is refused.

    Long because the case, consent, files and submission are written in one transaction, the
    order each needs the one before."""
    require(actor, Perm.CASE_MODIFY, department.pk)
    public_id = uuid.uuid4().hex
    code = codes.new_code()
    with write_transaction():
        # Under the journal's lock: two filings with one solution cannot both pass.
        if not pow_id or FormSubmission.objects.filter(pow_hash=pow_id).exists():
            raise ValidationFailed(
                _("this check was used already; solve a new one"), field="altcha", code="spent"
            )
        done = intake_record(
            actor=actor, data=_intake_data(department, data), source=f"web_form:{public_id}"
        )
        consent = consent_grant(actor=actor, customer=done.customer, data=CONSENT)
        for upload in files:
            upload.seek(0)
            case_attachment_add(
                actor=actor,
                case=done.case,
                stream=cast(BinaryIO, upload),
                filename=upload.name or "",
                content_type=upload.content_type or "",
            )
        submission = FormSubmission.objects.create(
            public_id=public_id,
            case=done.case,
            consent=consent,
            code_hash=codes.code_hash(done.case.reference, code),
            pow_hash=pow_id,
            language=language[:10],
            notice_version=NOTICE_VERSION,
            attachments=len(files),
            created_at=clock.now(),
        )
        record_change(
            actor=actor,
            action=IntakeAction.FORM_SUBMIT,
            object_type="form_submission",
            object_id=public_id,
            root=f"case:{done.case.pk}",
            before=None,
            after=model_state(submission, exclude=("code_hash",)),
            reason=f"intake: web_form:{public_id}",
            extra={"probable_duplicates": list(done.probable_duplicates)},
        )
    return Filed(
        submission=submission,
        case=done.case,
        code=code,
        customer_created=done.customer_created,
        probable_duplicates=done.probable_duplicates,
    )


@dataclass(frozen=True)
class PublicStatus:
    """What a customer may see of their case: never internal notes or who works on it."""

    case: Case
    replies: list[CaseNote]


# The same work whether the reference exists or not: a miss compares against this hash.
_NO_SUCH_CASE = "0" * 64


def status_lookup(*, actor: User | None, reference: str, code: str) -> PublicStatus | None:
    """The case `reference` names, if `code` is its lookup code; None for any mismatch
    (an unknown reference and a wrong code look the same). A successful look is journaled
    (`intake.status_view`): the customer read their case through the form's account, by
    default that of the case's department now (the form may since file elsewhere, the case
    may have moved; a deactivated account still refuses)."""
    submission = (
        FormSubmission.objects.select_related("case")
        .filter(case__reference=(reference or "").strip().upper()[:20])
        .first()
    )
    stored = submission.code_hash if submission is not None else _NO_SUCH_CASE
    if not codes.matches(stored, reference or "", code or "") or submission is None:
        return None
    case = submission.case
    if actor is None:
        from caseledger.intake.form.account import form_account

        actor = form_account(case.department)
    require(actor, Perm.CASE_VIEW, case.department_id)
    replies = list(
        case.notes.filter(kind__in=PUBLIC_NOTE_KINDS).order_by("created_at", "id")
        if case.archived_at is None
        else []
    )
    with write_transaction():
        record_change(
            actor=actor,
            action=IntakeAction.STATUS_VIEW,
            object_type="form_submission",
            object_id=submission.public_id,
            root=f"case:{case.pk}",
            after=None,
            reason=f"status page: web_form:{submission.public_id}",
            extra={"replies": [note.pk for note in replies]},
        )
    return PublicStatus(case=case, replies=replies)
