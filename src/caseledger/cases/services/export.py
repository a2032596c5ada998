"""Exporting cases (a journaled look at many records)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.actions import CaseAction
from caseledger.cases.models import (
    Case,
)
from caseledger.journal.services import record_change, write_transaction

EXPORT_LIMIT = 10_000


def case_export(
    *, actor: User, filters: Mapping[str, Any], sort: str = "-received", limit: int = EXPORT_LIMIT
) -> QuerySet[Case]:
    """The cases an export will hold, recorded in the journal as one look at their content:
    who exported, with which filter, and exactly which cases (ids), before any row leaves."""
    from caseledger.cases.queries import case_list

    require(actor, Perm.CASE_EXPORT)
    cases = case_list(actor=actor, filters=dict(filters), sort=sort)
    allowed = department_ids(actor, Perm.CASE_EXPORT)
    if allowed is not None:  # export may be narrower than view
        cases = cases.filter(department_id__in=allowed)
    ids = list(cases.values_list("id", flat=True)[:limit])
    export_id = uuid.uuid4().hex
    state = {
        "filters": dict(filters),
        "sort": sort,
        "limit": limit,
        "count": len(ids),
        "case_ids": ids,
    }
    with write_transaction():
        record_change(
            actor=actor,
            action=CaseAction.EXPORT,
            object_type="export",
            object_id=export_id,
            after=state,
            changes={},
        )
    return cases.filter(pk__in=ids)
