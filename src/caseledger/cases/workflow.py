"""The case workflow (ISO 10002 / GB/T 19012 steps): which status may follow which."""

from __future__ import annotations

from caseledger.cases.models import Status

S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ACKNOWLEDGED, S.ASSESSING, S.INVESTIGATING, S.RESPONDED, S.CLOSED}),
    S.ACKNOWLEDGED: frozenset({S.ASSESSING, S.INVESTIGATING, S.RESPONDED, S.CLOSED}),
    S.ASSESSING: frozenset({S.INVESTIGATING, S.RESPONDED, S.CLOSED}),
    S.INVESTIGATING: frozenset({S.RESPONDED, S.CLOSED}),
    S.RESPONDED: frozenset({S.INVESTIGATING, S.CLOSED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.ASSESSING, S.INVESTIGATING, S.RESPONDED, S.CLOSED}),
}


def allowed_next(status: str) -> list[str]:
    return [s for s in Status.values if s in TRANSITIONS.get(status, frozenset())]


def can_move(current: str, new: str) -> bool:
    return new == current or new in TRANSITIONS.get(current, frozenset())
