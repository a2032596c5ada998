"""Following the journal: notifications for people and the webhook outbox. Dangerous module:
a bug here loses a notification or a delivery, or sends one twice.

Guarantees:
- `catch_up` reads the journal entries after the last sequence it consumed (no signals),
  writes the notifications and outbox rows they raise and the new sequence in one
  transaction holding the journal's head: killed half-way, nothing of the batch stays and
  the next run does it again; run twice, the unique keys (entry × recipient × kind, entry ×
  subscription × event) add nothing.
- The first run starts at the journal's head: installing notify does not notify anybody of
  the past.
- Nothing here carries case content: a notification keeps the case's id and reference, who
  acted and which clock; a webhook body the case's ids, reference, status, category and
  department code (a field an administrator marked sensitive is left out).
- A mention reaches only an active person who may see the case; the sweep's and the
  assignment's recipients are checked the same way.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.db.models import Q

from caseledger.accounts.access import can
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.journal.canonical import canonical_json
from caseledger.journal.models import ChainHead, Entry, Payload
from caseledger.journal.services import lock_head, write_transaction
from caseledger.notify import events
from caseledger.notify.models import Delivery, FollowState, Notification, Subscription

BATCH = 2_000
CASE_FIELDS = ("reference", "status", "category", "subcategory")


def _state() -> FollowState:
    state = FollowState.objects.filter(pk=1).first()
    if state is None:  # the first run: from now on, not the past
        state = FollowState.objects.create(pk=1, seq=lock_head().seq, updated_at=clock.now())
    return state


def _items(after: int, upto: int) -> list[events.Item]:
    return items_where(Q(seq__gt=after, seq__lte=upto, object_type__in=events.CASE_TYPES))


def items_where(where: Q) -> list[events.Item]:
    """The journal entries matching `where`, in order, as the follower reads them."""
    rows = list(
        Entry.objects.filter(where)
        .order_by("seq")
        .values_list(
            "seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "root",
            "via",
        )
    )  # fmt: skip
    bodies = dict(
        Payload.objects.filter(entry_id__in=[r[0] for r in rows]).values_list("entry_id", "body")
    )
    out = []
    for seq, at, actor_id, actor_name, action, object_type, object_id, root, via in rows:
        text = bodies.get(seq)
        body = json.loads(text) if text else None
        out.append(
            events.Item(
                seq, at, actor_id, actor_name, action, object_type, object_id, root, body, via
            )
        )
    return out


def lag() -> dict[str, int]:
    head = ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    seq = FollowState.objects.filter(pk=1).values_list("seq", flat=True).first()
    behind = head - (head if seq is None else seq)  # never run: it will start at the head
    return {"followed_seq": seq or 0, "journal_seq": head, "entries": behind}


def follow_if_close(limit: int = 500) -> None:
    """Called before the inbox is shown: a small lag is caught up at once, so an assignment
    made a moment ago is there; a large one is left to the worker."""
    if 0 < lag()["entries"] <= limit:
        catch_up(max_entries=limit)


def catch_up(*, max_entries: int | None = None) -> dict[str, int]:
    """Consume the journal up to its head (or `max_entries` of it), batch by batch."""
    counts = {"entries": 0, "notifications": 0, "deliveries": 0}
    while max_entries is None or counts["entries"] < max_entries:
        if FollowState.objects.filter(pk=1).exists() and lag()["entries"] <= 0:
            break
        with write_transaction():
            head = lock_head().seq
            state = _state()
            if state.seq >= head:
                break
            upto = min(head, state.seq + BATCH)
            items = _items(state.seq, upto)
            counts["notifications"] += _notify(items)
            counts["deliveries"] += _enqueue(items)
            counts["entries"] += upto - state.seq
            state.seq = upto
            state.updated_at = clock.now()
            state.save(update_fields=["seq", "updated_at"])
    return counts


def _cases(ids: set[int]) -> dict[int, Case]:
    return {c.pk: c for c in Case.objects.filter(pk__in=ids)}


def _notify(items: list[events.Item]) -> int:
    found = [(item, n) for item in items for n in events.notices(item)]
    if not found:
        return 0
    names = {n.username for _i, n in found if n.username}
    ids = {n.recipient_id for _i, n in found if n.recipient_id}
    people = list(User.objects.filter(Q(username__in=names) | Q(pk__in=ids), is_active=True))
    by_name = {u.username: u for u in people}
    by_id = {u.pk: u for u in people}
    cases = _cases({n.case_id for _i, n in found if n.case_id is not None})
    rows = []
    imported: dict[int, Notification] = {}
    for item, n in found:
        who = by_id.get(n.recipient_id) if n.recipient_id else by_name.get(n.username)
        case = cases.get(n.case_id) if n.case_id else None
        if who is None or case is None or who.pk == item.actor_id:
            continue
        if not can(who, Perm.CASE_VIEW, case.department_id):
            continue  # a mention of someone who may not see the case tells them nothing
        if n.kind == "imported":  # one per person in this batch, keyed by its first entry
            if who.pk in imported:
                imported[who.pk].count += 1
                imported[who.pk].last_seq = item.seq
                continue
            imported[who.pk] = Notification(
                recipient=who, kind=n.kind, seq=item.seq, last_seq=item.seq, by=item.actor_name,
                created_at=item.at,
            )  # fmt: skip
            rows.append(imported[who.pk])
            continue
        rows.append(
            Notification(
                recipient=who,
                kind=n.kind,
                seq=item.seq,
                case=case,
                reference=case.reference,
                by=item.actor_name,
                clock=n.clock,
                created_at=item.at,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _shown(name: str) -> bool:
    from caseledger.vault.sensitivity import is_marked, must_encrypt

    return not (is_marked(f"case.{name}") or must_encrypt(f"case.{name}"))


def case_fields(case: Case, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a webhook says about a case: ids, reference, status, category, department code.
    `state` is the case as the entry recorded it (its status then), else the row now."""
    state = state or {}
    fields = {name: state.get(name, getattr(case, name)) for name in CASE_FIELDS}
    department = state.get("department_id", case.department_id)
    out = {"id": case.pk, "department_id": department}
    out |= {name: value for name, value in fields.items() if _shown(name)}
    return out


def _enqueue(items: list[events.Item]) -> int:
    found = [(item, e) for item in items for e in events.webhook_events(item)]
    if not found:
        return 0
    subscriptions = list(Subscription.objects.filter(is_active=True, removed_at__isnull=True))
    if not subscriptions:
        return 0
    cases = _cases({pk for i, _e in found if (pk := i.case_id()) is not None})
    codes = dict(Department.objects.values_list("id", "code"))
    now = clock.now()
    rows = []
    for item, (event, extra) in found:
        case = cases.get(item.case_id() or 0)
        if case is None:
            continue
        state = item.state if item.object_type == "case" else None
        fields = case_fields(case, state)
        fields["department"] = codes.get(fields["department_id"], "")
        for sub in subscriptions:
            if event not in sub.events or item.seq <= sub.from_seq:
                continue
            if sub.department_id and sub.department_id != fields["department_id"]:
                continue
            public_id = f"{sub.public_id[:8]}-{item.seq}-{secrets.token_hex(4)}"
            body = {
                "event": event,
                "delivery": public_id,
                "occurred_at": item.at.isoformat(),
                "journal_seq": item.seq,
                "case": fields,
                **extra,
            }
            rows.append(
                Delivery(
                    subscription=sub,
                    public_id=public_id,
                    seq=item.seq,
                    event=event,
                    body=canonical_json(body),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
