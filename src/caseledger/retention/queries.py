"""Retention reads: holds, schedules, and deadline counts. Need retention.view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.retention.models import LegalHold, RecordRetention, RetentionSchedule


def hold_list(*, actor: User | None, active: bool | None = None) -> QuerySet[LegalHold]:
    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    qs = LegalHold.objects.select_related("owner", "placed_by", "released_by")
    if active is True:
        qs = qs.filter(released_at__isnull=True)
    elif active is False:
        qs = qs.filter(released_at__isnull=False)
    return qs.order_by("-placed_at", "-id")


def hold_get(*, actor: User | None, hold_id: int | str) -> LegalHold:
    hold = hold_list(actor=actor).filter(pk=int(hold_id) if is_id(str(hold_id)) else -1)
    found = hold.first()
    if found is None:
        raise NotFound(_("hold %(hold_id)s does not exist") % {"hold_id": hold_id}, field="hold")
    return found


def schedule_list(
    *, actor: User | None, include_old_versions: bool = False
) -> QuerySet[RetentionSchedule]:
    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    qs = RetentionSchedule.objects.select_related("owner")
    if not include_old_versions:
        qs = qs.filter(is_current=True)
    return qs.order_by("record_kind", "code", "-version")


def schedule_get(*, actor: User | None, code_or_id: str) -> RetentionSchedule:
    qs = schedule_list(actor=actor)
    text = str(code_or_id)
    found = (qs.filter(pk=text) if is_id(text) else qs.filter(code=text)).first()
    if found is None:
        raise NotFound(
            _("schedule %(code_or_id)s does not exist") % {"code_or_id": code_or_id},
            field="schedule",
        )
    return found


def retention_counts(*, actor: User | None) -> dict[str, Any]:
    """Stored deadlines by state, and by schedule × action × state (the last recompute)."""
    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    by_state: dict[str, int] = {}
    rows = []
    for r in (
        RecordRetention.objects.values("record_type", "schedule__code", "schedule__action", "state")
        .annotate(n=Count("id"))
        .order_by("record_type", "schedule__code", "state")
    ):
        by_state[r["state"]] = by_state.get(r["state"], 0) + r["n"]
        rows.append(
            {
                "record_type": r["record_type"],
                "schedule": r["schedule__code"],
                "action": r["schedule__action"],
                "state": r["state"],
                "records": r["n"],
            }
        )
    return {"by_state": by_state, "rows": rows}


PLAN_BATCH = 20_000


def retention_plan(
    *, actor: User | None, on: dt.date | None = None, progress: Any = None
) -> dict[str, Any]:
    """What a recompute on `on` would store, computed in memory (the same engine, holds,
    kept erasure days and disposition overrides): counts by record type, schedule, action
    and state. Writes nothing."""
    from django.utils import timezone

    from caseledger.core import clock
    from caseledger.retention import deadlines, sweep
    from caseledger.retention.services import governing_schedules

    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    on = on or timezone.localdate(clock.now())
    engine = deadlines.Engine(governing_schedules(), on=on)
    counts: dict[tuple[str, str, str, str], int] = {}
    for record_type in ("case", "customer"):
        for batch in sweep.batches(engine, record_type, size=PLAN_BATCH):
            found = sweep.evaluate(
                engine,
                batch,
                held_pks=sweep.held(batch),
                erasure=sweep.erasure_days(batch),
                adjust=sweep.overrides(batch, on),
            )
            for _pk, d in found:
                s = d.schedule
                key = (record_type, s.code if s else "", s.action if s else "", str(d.state))
                counts[key] = counts.get(key, 0) + 1
            if progress:
                progress(len(batch.rows))
    by_state: dict[str, int] = {}
    for (_t, _s, _a, state), n in counts.items():
        by_state[state] = by_state.get(state, 0) + n
    return {
        "on": on.isoformat(),
        "by_state": by_state,
        "rows": [
            {
                "record_type": k[0],
                "schedule": k[1] or None,
                "action": k[2] or None,
                "state": k[3],
                "records": n,
            }
            for k, n in sorted(counts.items())
        ],
    }
