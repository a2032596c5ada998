"""Undoing an import. Dangerous module: it deletes records.

What it guarantees: it removes only what the batch created (the id ranges its chunks
recorded), and only while nothing else touched them: no journal entry about any of them
after the batch's own (its `case.auto_assign` entries, written in each chunk's
transaction before the batch's `last_seq`, are its own: write.py), no case of another origin filed under a customer it created, and
nothing else referring to them (the delete is refused whole otherwise). Each removed
record gets a `case.import_undo` / `customer.import_undo` entry, its derived copies (the
search index…) are erased through `core.erasure` and its retention deadline dropped, as a
disposition's destroy does. The journal keeps the history of what was imported and
removed; erasing that content is the disposition's job, under its rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from caseledger.accounts.models import User
from caseledger.cases.models import Case
from caseledger.core import erasure
from caseledger.core.errors import Conflict, choice_word
from caseledger.customers.models import ContactPoint, Customer, Identifier
from caseledger.intake.actions import IntakeAction
from caseledger.intake.spreadsheet.models import BatchStatus, ExternalRef, ImportBatch
from caseledger.intake.spreadsheet.services import require_import, set_status
from caseledger.journal.models import Entry
from caseledger.journal.services import Change, append_many, write_transaction
from caseledger.retention.models import RecordRetention

PART = 900


def _ids(batch: ImportBatch, first: str, last: str) -> list[int]:
    found: list[int] = []
    for low, high in batch.chunks.values_list(first, last):
        if low is not None:
            found.extend(range(low, high + 1))
    return found


def _parts(items: list) -> Iterator[list]:
    for start in range(0, len(items), PART):
        yield items[start : start + PART]


def _refuse_if_touched(batch: ImportBatch, cases: list[int], customers: list[int]) -> None:
    roots = [f"case:{i}" for i in cases] + [f"customer:{i}" for i in customers]
    for part in _parts(roots):
        later = Entry.objects.filter(root__in=part, seq__gt=batch.last_seq).first()
        if later is not None:
            raise Conflict(
                _(
                    "import %(batch_id)s cannot be undone: %(later_root)s was changed since (journal #%(later_seq)s, %(later_action)s)"
                )
                % {
                    "batch_id": batch.pk,
                    "later_root": later.root,
                    "later_seq": later.seq,
                    "later_action": later.action,
                },
                code="touched",
            )
    mine = set(cases)
    for part in _parts(customers):
        for case_id, customer_id in Case.objects.filter(customer_id__in=part).values_list(
            "pk", "customer_id"
        ):
            if case_id not in mine:
                raise Conflict(
                    _(
                        "import %(batch_id)s cannot be undone: customer %(customer_id)s has case %(case_id)s, which this import did not create"
                    )
                    % {"batch_id": batch.pk, "customer_id": customer_id, "case_id": case_id},
                    code="touched",
                )


def batch_undo(*, actor: User, batch: ImportBatch, reason: str) -> ImportBatch:
    """Remove every record the batch created, if none was touched since."""
    require_import(actor, batch.kind, batch.department_id)
    if not reason.strip():
        from caseledger.core.errors import ValidationFailed

        raise ValidationFailed(_("say why the import is undone"), field="reason", code="required")
    if batch.status not in (BatchStatus.DONE, BatchStatus.RUNNING):
        raise Conflict(
            _("import %(batch_id)s is %(batch_status)s; there is nothing to undo")
            % {"batch_id": batch.pk, "batch_status": choice_word(batch)}
        )
    cases = _ids(batch, "first_case", "last_case")
    customers = _ids(batch, "first_customer", "last_customer")
    why = f"import {batch.pk} undone: {reason.strip()}"
    with write_transaction():
        _refuse_if_touched(batch, cases, customers)
        ExternalRef.objects.filter(batch=batch).delete()
        for part in _parts(cases):
            RecordRetention.objects.filter(record_type="case", record_id__in=part).delete()
            Case.objects.filter(pk__in=part).delete()
            _gone(actor, "case", part, why)
        for part in _parts(customers):
            RecordRetention.objects.filter(record_type="customer", record_id__in=part).delete()
            ContactPoint.objects.filter(customer_id__in=part).delete()
            Identifier.objects.filter(customer_id__in=part).delete()
            Customer.objects.filter(pk__in=part).delete()
            _gone(actor, "customer", part, why)
        erasure.erase(mode="destroy", case_ids=cases, customer_ids=customers)
    set_status(batch, BatchStatus.UNDONE, reason.strip(), actor=actor)
    return batch


UNDO = {"case": IntakeAction.CASE_IMPORT_UNDO, "customer": IntakeAction.CUSTOMER_IMPORT_UNDO}


def _gone(actor: User, kind: str, ids: list[int], reason: str) -> None:
    """One entry per record the undo removed, appended as one burst (a batch writer:
    core/journal_calls.BATCH_WRITERS)."""
    append_many(
        actor=actor,
        changes=[
            Change(
                action=UNDO[kind],
                object_type=kind,
                object_id=str(i),
                state=None,
                reason=reason,
            )
            for i in ids
        ],
    )
