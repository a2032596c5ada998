"""Reading the journal: history with diffs, a record's state as of a moment, the browser."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caseledger.core.access import require
from caseledger.core.ids import is_id
from caseledger.core.permissions import Perm
from caseledger.journal.entry_kinds import GONE, NOT_STATE
from caseledger.journal.models import Entry


@dataclass(frozen=True)
class HistoryItem:
    seq: int
    at: dt.datetime
    actor_name: str
    via: str
    action: str
    object_type: str
    object_id: str
    reason: str
    changes: dict[str, Any] | None
    state: dict[str, Any] | None
    redacted: bool


def _item(entry: Entry, masked: bool = False) -> HistoryItem:
    """`masked`: as interfaces show it (vault.masking.mask_state: names of persons, contact
    values, fields marked sensitive); the stored form otherwise, for reconstruction."""
    body = getattr(entry, "payload", None)
    data = json.loads(body.body) if body is not None and body.body is not None else None
    if data and masked:
        from caseledger.vault.masking import mask_changes, mask_state

        state = data.get("state")
        data = {
            "changes": mask_changes(entry.object_type, data.get("changes"), state),
            "state": mask_state(entry.object_type, state),
        }
    return HistoryItem(
        seq=entry.seq,
        at=entry.at,
        actor_name=entry.actor_name,
        via=entry.via,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        reason=entry.reason,
        changes=data.get("changes") if data else None,
        state=data.get("state") if data else None,
        redacted=data is None,
    )


def history(
    root: str, *, until: dt.datetime | None = None, masked: bool = False
) -> list[HistoryItem]:
    """Every entry of a record and its parts (notes, attachments), oldest first.

    Callers check that the actor may see the record itself first.
    """
    qs = Entry.objects.filter(root=root).select_related("payload").order_by("seq")
    if until is not None:
        qs = qs.filter(at__lte=until)
    return [_item(e, masked) for e in qs]


def histories(roots: Iterable[str]) -> dict[str, list[HistoryItem]]:
    """history() of many records in one query (oldest first each): for passes over many
    cases, such as the clock sweep. Callers check permissions."""
    out: dict[str, list[HistoryItem]] = {}
    wanted = list(roots)
    if not wanted:
        return out
    qs = Entry.objects.filter(root__in=wanted).select_related("payload").order_by("seq")
    for entry in qs:
        out.setdefault(entry.root, []).append(_item(entry))
    return out


def state_as_of(
    object_type: str, object_id: str, at: dt.datetime | None = None, *, masked: bool = False
) -> dict | None:
    """The object's full state after the last change at or before `at` (None: now); None
    if it did not exist then or was gone (destroyed, its import undone). Entries that do not
    carry the state (a disposition deferred or skipped) are passed over."""
    qs = Entry.objects.filter(object_type=object_type, object_id=str(object_id)).exclude(
        action__in=NOT_STATE
    )
    if at is not None:
        qs = qs.filter(at__lte=at)
    entry = qs.select_related("payload").order_by("-seq").first()
    if entry is None or entry.action in GONE:
        return None
    return _item(entry, masked).state


def entry_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Entry]:
    require(actor, Perm.JOURNAL_VIEW)
    filters = filters or {}
    qs = Entry.objects.all().order_by("-seq")
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor_name=filters["actor"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=str(filters["object_id"]))
    if filters.get("since"):
        qs = qs.filter(at__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(at__lte=filters["until"])
    return qs


def entry_get(*, actor: Any, seq: int, masked: bool = True) -> HistoryItem:
    from caseledger.core.errors import NotFound

    require(actor, Perm.JOURNAL_VIEW)
    entry = Entry.objects.select_related("payload").filter(seq=seq).first()
    if entry is None:
        raise NotFound(_("journal entry #%(seq)s does not exist") % {"seq": seq}, field="seq")
    return _item(entry, masked)


def touched_records(entries: Iterable[tuple[str, str, str]]) -> tuple[set[int], set[int]]:
    """The cases and customers some journal entries changed."""
    cases: set[int] = set()
    customers: set[int] = set()
    for object_type, object_id, root in entries:
        if object_type == "case" and is_id(object_id):
            cases.add(int(object_id))
        elif root.startswith("case:") and is_id(root[5:]):
            cases.add(int(root[5:]))
        if object_type == "customer" and is_id(object_id):
            customers.add(int(object_id))
    return cases, customers
