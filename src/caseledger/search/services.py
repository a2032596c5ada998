"""Saved searches: a person names a query with its filters and order, reruns it, deletes
it; offboarding hands a leaver's to the successor (registered with workflow's offboarding
parts in apps.py). Each change journaled as the saved search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, NotFound, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction
from caseledger.search.actions import SearchAction
from caseledger.search.backends import NEWEST, RANKED
from caseledger.search.models import SavedSearch
from caseledger.search.queries import parse_query

FILTER_NAMES = (
    "status", "category", "department", "channel", "received_from", "received_to", "clock",
)  # fmt: skip
MAX_PER_PERSON = 100


def _filters(value: Any, c: Collector) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        c.add("filters", _("must be a set of named filters"))
        return {}
    unknown = sorted(set(value) - set(FILTER_NAMES))
    if unknown:
        c.add(
            "filters",
            _("unknown filter(s): %(names)s") % {"names": ", ".join(map(str, unknown))},
            "unknown",
        )
    return {k: str(v)[:100] for k, v in value.items() if k in FILTER_NAMES and v not in (None, "")}


def _journal(actor, action: str, saved: SavedSearch, before, after, reason: str = "") -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="saved_search",
        object_id=str(saved.pk),
        before=before,
        after=after,
        reason=reason,
    )


def saved_search_create(*, actor: User, data: Mapping[str, Any]) -> SavedSearch:
    """Save `q` (checked as a search would check it) under a name unique for the actor."""
    require(actor, Perm.CASE_VIEW)
    c = Collector()
    c.unknown(data, ("name", "q", "order", "filters"))
    name = c.text(data, "name", required=True, max_length=100) or ""
    q = c.text(data, "q", required=True, max_length=500) or ""
    order = c.choice(data, "order", (NEWEST, RANKED)) or NEWEST
    filters = _filters(data.get("filters"), c)
    if q and "q" not in {e.field for e in c.errors}:
        try:
            parse_query(q)
        except ValidationFailed as exc:
            c.errors.append(exc)
    c.raise_if_any()
    with write_transaction():
        if SavedSearch.objects.filter(owner=actor, name=name).exists():
            raise Conflict(
                _("You already have a saved search named “%(name)s”.") % {"name": name},
                field="name",
            )
        if SavedSearch.objects.filter(owner=actor).count() >= MAX_PER_PERSON:
            raise ValidationFailed(
                _("You have %(n)d saved searches; delete one first.") % {"n": MAX_PER_PERSON},
                field="name",
                code="too_many",
            )
        saved = SavedSearch.objects.create(
            owner=actor, name=name, q=q, order=order, filters=filters, created_at=clock.now()
        )
        _journal(actor, SearchAction.SAVED_SEARCH_CREATE, saved, None, model_state(saved))
    return saved


def saved_search_delete(*, actor: User, saved_id: Any) -> None:
    """Delete one of the actor's own saved searches (another person's is not found)."""
    with write_transaction():
        saved = (
            SavedSearch.objects.select_for_update().filter(owner=actor, pk=saved_id).first()
            if is_id(str(saved_id))
            else None
        )
        if saved is None:
            raise NotFound(
                _("saved search %(id)s does not exist") % {"id": saved_id}, field="saved_search"
            )
        before = model_state(saved)
        pk = saved.pk
        saved.delete()
        saved.pk = pk
        _journal(actor, SearchAction.SAVED_SEARCH_DELETE, saved, before, None)


def saved_searches_move(
    *, actor: User | None, user: User, successor: User | None, note: str
) -> list[dict[str, Any]]:
    """Offboarding's part (runs inside user_deactivate's transaction): a leaver's saved
    searches go to the successor, renamed “name (leaver)” where the successor has the name;
    without a successor they stay with the leaver (nobody else's work waits on them)."""
    if successor is None:
        return []
    moved = []
    taken = set(SavedSearch.objects.filter(owner=successor).values_list("name", flat=True))
    for saved in SavedSearch.objects.filter(owner=user).select_for_update().order_by("pk"):
        before = model_state(saved)
        name = saved.name
        if name in taken:
            name = f"{name[: 100 - len(user.username) - 3]} ({user.username})"
        saved.owner, saved.name = successor, name
        saved.save(update_fields=["owner", "name"])
        taken.add(name)
        _journal(actor, SearchAction.SAVED_SEARCH_REASSIGN, saved, before, model_state(saved), note)
        moved.append({"kind": "saved_search", "id": saved.pk, "to": successor.pk})
    return moved
