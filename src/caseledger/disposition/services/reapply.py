"""After a restore: dispose again of what every certificate names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.state import plain
from caseledger.customers.models import Customer
from caseledger.disposition import certificates, records
from caseledger.disposition.actions import DispositionAction
from caseledger.disposition.models import (
    BatchAction,
    DispositionCertificate,
    ItemStatus,
)
from caseledger.disposition.services.common import hold_names, holds_of
from caseledger.disposition.services.execution import journal_anonymized, reached
from caseledger.journal.services import (
    record_change,
    write_transaction,
)

# ---- after a restore ----------------------------------------------------------------------


def reapply_dispositions(*, actor: User | None = None, folder: Any = None) -> dict[str, Any]:
    """Dispose again of what every certificate file says was disposed of, in a database
    restored from a backup older than the disposition; restore missing certificate rows.

    A record is the one on the certificate only if its id and its creation time both match
    (ids can be issued again after a restore). Held records are left and reported."""
    if actor is not None:
        require(actor, Perm.DISPOSITION_PROPOSE)
    documents, problems = certificates.read_all(folder)
    summary: dict[str, Any] = {
        "certificates": len(documents),
        "restored_certificates": 0,
        "destroyed": 0,
        "anonymized": 0,
        "skipped": [],
        "problems": problems,
    }
    for document in documents:
        _reapply_one(actor, document, summary)
    with write_transaction():
        record_change(
            actor=actor,
            action=DispositionAction.REAPPLY,
            object_type="disposition_run",
            object_id=clock.now().date().isoformat(),
            after=None,
            extra={k: v for k, v in summary.items() if k != "skipped"}
            | {"skipped": len(summary["skipped"])},
        )
    records.settle_freed_bytes()
    return summary


def _same_record(record: Case | Customer, entry: dict[str, Any]) -> bool:
    return entry.get("created_at") is None or plain(record.created_at) == entry["created_at"]


def _reapply_one(actor: User | None, document: dict[str, Any], summary: dict[str, Any]) -> None:
    """Re-apply one disposition certificate in a restored copy. Long because the
    certificate and each listed record have their own transaction, whose order matters."""
    number = document["number"]
    ref = f"disposition {number}"
    action = document["action"]
    with write_transaction():
        if not DispositionCertificate.objects.filter(number=number).exists():
            DispositionCertificate.objects.create(
                number=number,
                batch=None,
                document=document,
                document_sha256=certificates.digest(document),
                schedule_code=document["schedule"]["code"],
                action=action,
                executed_at=dt.datetime.fromisoformat(document["executed_at"]),
                records=document["counts"].get(ItemStatus.DONE, 0),
                created_at=clock.now(),
            )
            summary["restored_certificates"] += 1
            record_change(
                actor=actor,
                action=DispositionAction.CERTIFICATE_RESTORE,
                object_type="disposition_certificate",
                object_id=number,
                after=None,
                extra={"sha256": certificates.digest(document)},
            )
    listed = {
        (entry["type"], int(entry["id"]))
        for entry in document["records"]
        if entry["status"] == ItemStatus.DONE
    }
    for entry in document["records"]:
        if entry["status"] != ItemStatus.DONE:
            continue
        blobs: list[str] = []
        with write_transaction():
            record = records.load(entry["type"], entry["id"])
            if record is None:
                # Gone already; a restored backup may still hold its old journal payloads.
                records.redact(entry["type"], entry["id"], ref)
                continue
            if not _same_record(record, entry):
                continue
            if action == BatchAction.ANONYMIZE and records.is_anonymized(record):
                continue
            found = holds_of(entry["type"], entry["id"])
            if found:
                summary["skipped"].append(f"{entry['type']} {entry['id']}: {hold_names(found)}")
                continue
            try:
                with transaction.atomic():
                    outcome = (
                        records.destroy(record, number)
                        if action == BatchAction.DESTROY
                        else records.anonymize(record, number)
                    )
            except records.Skip as exc:
                summary["skipped"].append(f"{entry['type']} {entry['id']}: {exc}")
                continue
            records.redact(entry["type"], entry["id"], ref)
            records.redact_reached(outcome, ref, listed)
            if action == BatchAction.ANONYMIZE:
                journal_anonymized(actor, entry["type"], record, outcome, ref)
            blobs = outcome.blobs
            summary["destroyed" if action == BatchAction.DESTROY else "anonymized"] += 1
            record_change(
                actor=actor,
                action=f"disposition.reapply_{action}",
                object_type=entry["type"],
                object_id=str(entry["id"]),
                root=f"disposition_certificate:{number}",
                after=None,
                reason=ref,
                extra={"certificate": number, "sha256": outcome.sha256, **reached(outcome)},
            )
        if blobs:
            records.remove_unreferenced_blobs(blobs)
