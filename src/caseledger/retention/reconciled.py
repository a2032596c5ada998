"""What the journal vouches for in retention. For `journal verify --records`
(journal/reconcile_kinds.py): every legal hold as `hold_state` journals it, with the cases
and customers it holds, and every schedule version as its services journal it. A hold
released, a record taken out of it, or a schedule's period shortened straight in the
database is named. For a disposition proposal: `unjournaled_schedules`, the governing
schedules that differ from the journal, so none of them decides what is destroyed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from caseledger.core.state import model_state
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.reconcile_kinds import Kind
from caseledger.retention.models import LegalHold, RetentionSchedule

SCHEDULE = "retention_schedule"


def _holds() -> Iterator[tuple[str, str, dict[str, Any]]]:
    from caseledger.retention.services import hold_state

    for hold in LegalHold.objects.order_by("pk"):
        yield str(hold.pk), hold.matter, hold_state(hold)


def _schedules() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for schedule in RetentionSchedule.objects.order_by("pk"):
        yield str(schedule.pk), f"{schedule.code} v{schedule.version}", model_state(schedule)


def unjournaled_schedules(schedules: Iterable[RetentionSchedule]) -> list[RetentionSchedule]:
    """Of these current schedules, the ones the journal does not vouch for: changed since
    their newest entry, or not the version last journaled under their code (an older,
    shorter version marked current again)."""
    found = []
    for schedule in schedules:
        newest = (
            Entry.objects.filter(object_type=SCHEDULE, root=f"{SCHEDULE}:{schedule.code}")
            .order_by("-seq")
            .values_list("object_id", flat=True)
            .first()
        )
        journaled = state_as_of(SCHEDULE, newest) if newest == str(schedule.pk) else None
        if journaled is None or _set(journaled) != _set(model_state(schedule)):
            found.append(schedule)
    return found


def _set(state: dict[str, Any]) -> dict[str, Any]:
    """A state's values that are set: a field added to schedules later is absent from
    entries written before it and empty on their rows, and is no difference (as
    `journal verify --records` reads it)."""
    return {name: value for name, value in state.items() if value is not None}


def kinds() -> list[Kind]:
    return [
        Kind("legal_hold", _holds),
        # A new version marks the one before it not current without an entry of its own
        # (the new version's entry says so); `unjournaled_schedules` checks which is current.
        Kind(SCHEDULE, _schedules, ignore=("is_current",)),
    ]
