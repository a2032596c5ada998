"""What `journal verify --records` compares for retention (journal/reconcile_kinds.py): every
legal hold as `hold_state` journals it, with the cases and customers it holds. A hold
released, or a record taken out of it, straight in the database is named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from caseledger.journal.reconcile_kinds import Kind
from caseledger.retention.models import LegalHold


def _holds() -> Iterator[tuple[str, str, dict[str, Any]]]:
    from caseledger.retention.services import hold_state

    for hold in LegalHold.objects.order_by("pk"):
        yield str(hold.pk), hold.matter, hold_state(hold)


def kinds() -> list[Kind]:
    return [Kind("legal_hold", _holds)]
