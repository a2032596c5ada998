"""A case's chain of repeat complaints, for whoever may see the case."""

from __future__ import annotations

from dataclasses import dataclass

from caseledger.accounts.access import department_ids
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.cases.queries import case_get
from caseledger.workflow.models import CaseLink

LIMIT = 200  # a chain longer than this is cut (the newest and oldest ends still show)


@dataclass(frozen=True)
class Link:
    case_id: int
    reference: str
    received_at: object
    status: str
    basis: str  # how it repeats the one before it ("" for the first)
    visible: bool  # False: of a department the reader may not see (reference only)


def _walk(start: int) -> set[int]:
    seen, todo = {start}, [start]
    while todo and len(seen) < LIMIT:
        pk = todo.pop()
        rows = (
            CaseLink.objects.filter(kind="repeat")
            .filter(case_id=pk)
            .values_list("earlier_id", flat=True)
        )
        later = CaseLink.objects.filter(kind="repeat", earlier_id=pk).values_list(
            "case_id", flat=True
        )
        for other in [*rows, *later]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def repeat_chain(*, actor: User, case_id: int | str) -> list[Link]:
    """Every case linked to this one as a repeat, directly or through others, oldest first;
    empty when it is no repeat and has none."""
    case = case_get(actor=actor, case_id=case_id)
    ids = _walk(case.pk)
    if len(ids) == 1:
        return []
    allowed = department_ids(actor, Perm.CASE_VIEW)
    basis = dict(CaseLink.objects.filter(case_id__in=ids).values_list("case_id", "basis"))
    rows = Case.objects.filter(pk__in=ids).order_by("received_at", "id")
    return [
        Link(
            c.pk,
            c.reference,
            c.received_at,
            c.status,
            basis.get(c.pk, ""),
            allowed is None or c.department_id in allowed,
        )
        for c in rows
    ]
