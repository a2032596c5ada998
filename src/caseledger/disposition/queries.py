"""Disposition reads: the review list of due records by schedule, batches, certificates.
Anyone who may see retention (retention.view) or take part in a disposition may read."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, refuse
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.disposition.models import (
    DispositionBatch,
    DispositionCertificate,
    DispositionItem,
)
from caseledger.retention.models import LifecycleState, RecordRetention, RetentionSchedule

READERS = (Perm.RETENTION_VIEW, Perm.DISPOSITION_PROPOSE, Perm.DISPOSITION_APPROVE)


def _require_reader(actor: User | None) -> None:
    if actor is None or any(can(actor, p) for p in READERS):
        return
    refuse(actor, Perm.RETENTION_VIEW)


def review_list(*, actor: User | None) -> list[dict[str, Any]]:
    """Due records grouped by schedule (current version), with counts and the action."""
    _require_reader(actor)
    rows = (
        RecordRetention.objects.filter(state=LifecycleState.DUE)
        .values("record_type", "schedule__code")
        .annotate(n=Count("id"))
        .order_by("schedule__code", "record_type")
    )
    codes = [r["schedule__code"] for r in rows if r["schedule__code"]]
    current = {s.code: s for s in RetentionSchedule.objects.filter(code__in=codes, is_current=True)}
    in_review = dict(
        RecordRetention.objects.filter(state=LifecycleState.IN_REVIEW)
        .values_list("schedule__code")
        .annotate(n=Count("id"))
        .values_list("schedule__code", "n")
    )
    out = []
    for r in rows:
        schedule = current.get(r["schedule__code"])
        if schedule is None:
            continue
        out.append(
            {
                "schedule": schedule,
                "code": schedule.code,
                "name": schedule.name,
                "version": schedule.version,
                "record_type": r["record_type"],
                "action": schedule.action,
                "legal_source": schedule.legal_source,
                "due": r["n"],
                "in_review": in_review.get(schedule.code, 0),
            }
        )
    return out


def due_records(*, actor: User | None, schedule: RetentionSchedule, limit: int = 200):
    _require_reader(actor)
    return RecordRetention.objects.filter(
        schedule__code=schedule.code, state=LifecycleState.DUE
    ).order_by("due_on", "record_id")[:limit]


def batch_list(*, actor: User | None, status: str | None = None) -> QuerySet[DispositionBatch]:
    _require_reader(actor)
    qs = DispositionBatch.objects.select_related(
        "schedule", "proposed_by", "approved_by", "rejected_by"
    ).annotate(n_items=Count("items"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-proposed_at", "-id")


def batch_get(*, actor: User | None, batch_id: int | str) -> DispositionBatch:
    text = str(batch_id)
    found = batch_list(actor=actor).filter(pk=int(text) if is_id(text) else -1).first()
    if found is None:
        raise NotFound(
            _("disposition batch %(batch_id)s does not exist") % {"batch_id": batch_id},
            field="batch",
        )
    return found


def batch_items(*, actor: User | None, batch: DispositionBatch) -> QuerySet[DispositionItem]:
    _require_reader(actor)
    return batch.items.order_by("pk")


def certificate_list(*, actor: User | None) -> QuerySet[DispositionCertificate]:
    _require_reader(actor)
    return DispositionCertificate.objects.order_by("-executed_at", "-id")


def certificate_get(*, actor: User | None, number: str) -> DispositionCertificate:
    found = certificate_list(actor=actor).filter(number=str(number).upper()).first()
    if found is None:
        raise NotFound(
            _("certificate %(number)s does not exist") % {"number": number}, field="certificate"
        )
    return found
