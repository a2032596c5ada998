"""What a journal entry means to people and to outside systems: pure functions over one
entry's header and payload, so the follower and its tests read the same rules.

People (`notices`): assigned to me (a case's assignee set to someone other than the actor;
an import's assignments are counted into one "imported" notice per person and batch),
mentioned in a case note (`@username`), and the clock sweep's due-soon, breach and
escalation entries, which name their recipients.

Outside systems (`webhook_events`): case created, status changed, assigned, breached,
closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

EVENTS = (
    "case.created",
    "case.status_changed",
    "case.assigned",
    "case.breached",
    "case.closed",
)
# Entries the follower reads: every change of a case, its notes and the clock sweep's notices.
CLOCK_ACTIONS = {"clock.due_soon": "due_soon", "clock.breach": "breach"}
ESCALATE_ACTION = "clock.escalate"
NOTE_ACTION = "case.note"
CASE_TYPES = ("case", "case_note", "case_clock")
# Django's usernames: letters, digits and @ . + - _ ; a mention ends before other text.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")


@dataclass(frozen=True)
class Item:
    """One journal entry, as the follower reads it."""

    seq: int
    at: Any
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    root: str
    body: dict[str, Any] | None  # the payload; None once redacted
    via: str = ""  # web, api, cli, worker, import

    @property
    def state(self) -> dict[str, Any]:
        return (self.body or {}).get("state") or {}

    @property
    def changes(self) -> dict[str, Any]:
        return (self.body or {}).get("changes") or {}

    def case_id(self) -> int | None:
        if self.object_type == "case":
            return int(self.object_id)
        if self.root.startswith("case:"):
            return int(self.root.split(":", 1)[1])
        return None


@dataclass(frozen=True)
class Notice:
    kind: str
    case_id: int | None
    recipient_id: int | None = None  # by id (assignment) …
    username: str = ""  # … or by name (mentions, the sweep's recipients)
    clock: str = ""


def mentions(text: str) -> list[str]:
    """The usernames mentioned in a note, in order, once each (`@alice`, `@li.wei`; a
    trailing full stop is punctuation, not part of the name)."""
    found: list[str] = []
    for name in MENTION.findall(text or ""):
        name = name.rstrip(".")
        if name and name not in found:
            found.append(name)
    return found


def _new_assignee(item: Item) -> int | None:
    change = item.changes.get("assignee_id")
    if item.object_type != "case" or not isinstance(change, list) or len(change) != 2:
        return None
    new = change[1]
    return int(new) if new is not None and new != change[0] else None


def notices(item: Item) -> list[Notice]:
    """The notifications one entry raises (before checking the recipients exist, are active
    and may see the case: the follower does that)."""
    case_id = item.case_id()
    found: list[Notice] = []
    assignee = _new_assignee(item)
    if assignee is not None and assignee != item.actor_id:
        given = "imported" if item.via == "import" else "assigned"
        found.append(Notice(given, case_id, recipient_id=assignee))
    if item.action == NOTE_ACTION and item.object_type == "case_note":
        found += [
            Notice("mention", case_id, username=n)
            for n in mentions(str(item.state.get("body") or ""))
        ]
    kind = CLOCK_ACTIONS.get(item.action)
    if item.action == ESCALATE_ACTION:
        kind = "escalated"
    if kind:
        clock = str(item.state.get("clock") or "")
        found += [
            Notice(kind, case_id, username=str(n), clock=clock)
            for n in item.state.get("recipients") or []
        ]
    return found


def webhook_events(item: Item) -> list[tuple[str, dict[str, Any]]]:
    """The webhook events of one entry, each with its event-specific fields (never case
    content: the common case fields are added by the follower from the case row)."""
    out: list[tuple[str, dict[str, Any]]] = []
    if item.object_type == "case":
        if item.action == "case.create":
            out.append(("case.created", {}))
        status = item.changes.get("status")
        if item.action != "case.create" and isinstance(status, list) and len(status) == 2:
            out.append(("case.status_changed", {"previous_status": status[0]}))
            if status[1] == "closed":
                out.append(("case.closed", {}))
        assignee = _new_assignee(item)
        if assignee is not None:
            out.append(("case.assigned", {"assignee_id": assignee}))
    elif item.action == "clock.breach":
        out.append(("case.breached", {"clock": str(item.state.get("clock") or "")}))
    return out
