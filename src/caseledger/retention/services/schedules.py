"""Retention schedules: create, new versions, adopting presets; a change asks for a
recompute of every deadline (deferred while several changes run together)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction
from caseledger.retention.actions import RetentionAction
from caseledger.retention.models import (
    Action,
    RecordKind,
    RetentionSchedule,
    ScheduleStatus,
    Trigger,
)
from caseledger.retention.presets import INDUSTRIES, presets_for

# ---- retention schedules ---------------------------------------------------------------

SCHEDULE_FIELDS = (
    "name",
    "record_kind",
    "industry",
    "case_kind",
    "category",
    "risk_class",
    "tags",
    "period_years",
    "period_months",
    "period_days",
    "triggers",
    "action",
    "legal_source",
    "next_review_on",
    "status",
)


def _clean_schedule(data: Mapping[str, Any]) -> dict[str, Any]:
    from caseledger.cases.models import CaseKind, Severity

    c = Collector()
    clean: dict[str, Any] = {}
    clean["name"] = c.text(data, "name", required=True, max_length=200)
    clean["record_kind"] = c.choice(data, "record_kind", RecordKind.values, required=True)
    clean["action"] = c.choice(data, "action", Action.values, required=True)
    clean["status"] = c.choice(data, "status", ScheduleStatus.values) or ScheduleStatus.ACTIVE.value
    clean["legal_source"] = c.text(data, "legal_source", required=True, max_length=5000)
    clean["industry"] = c.choice(data, "industry", INDUSTRIES) or ""
    clean["case_kind"] = c.choice(data, "case_kind", CaseKind.values) or ""
    clean["risk_class"] = c.choice(data, "risk_class", Severity.values) or ""
    clean["category"] = c.text(data, "category", max_length=40) or ""
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        c.add("tags", _("must be a list of text"), "invalid")
    clean["tags"] = sorted({t.strip() for t in tags if isinstance(t, str) and t.strip()})
    for name, most in (("period_years", 200), ("period_months", 2400), ("period_days", 73000)):
        clean[name] = c.integer(data, name, minimum=0, maximum=most) or 0
    triggers = data.get("triggers") or []
    if isinstance(triggers, str):
        triggers = [triggers]
    bad = [t for t in triggers if t not in Trigger.values]
    if not triggers:
        c.add(
            "triggers",
            _("name at least one of %(known)s") % {"known": ", ".join(Trigger.values)},
            "required",
        )
    elif bad:
        c.add(
            "triggers",
            _("unknown trigger(s) %(bad)s; known: %(known)s")
            % {"bad": ", ".join(map(str, bad)), "known": ", ".join(Trigger.values)},
            "invalid_choice",
        )
    clean["triggers"] = list(dict.fromkeys(triggers))
    review = data.get("next_review_on")
    if isinstance(review, str) and review:
        try:
            review = dt.date.fromisoformat(review)
        except ValueError:
            c.add("next_review_on", _("is not a date (YYYY-MM-DD)"), "invalid")
            review = None
    clean["next_review_on"] = review or None
    c.raise_if_any()
    return clean


def _journal_schedule(actor: User | None, schedule: RetentionSchedule, before, action, reason):
    state = model_state(schedule)
    record_change(
        actor=actor,
        action=action,
        object_type="retention_schedule",
        object_id=str(schedule.pk),
        root=f"retention_schedule:{schedule.code}",
        after=state,
        before=before,
        reason=reason,
    )


_deferral = threading.local()


@contextlib.contextmanager
def recompute_deferred() -> Iterator[None]:
    """For a bulk caller that recomputes every deadline itself when it is done (the demo
    loader): schedule changes inside ask the worker for nothing."""
    _deferral.active = True
    try:
        yield
    finally:
        _deferral.active = False


def _recompute_later() -> None:
    """Deadlines follow a schedule change: the worker recomputes after the commit (a
    request must not rewrite a million rows; repeated requests collapse, see tasks.py)."""
    from caseledger.retention.tasks import recompute_soon

    if not getattr(_deferral, "active", False):
        transaction.on_commit(recompute_soon)


def schedule_create(
    *, actor: User | None, data: Mapping[str, Any], code: str = "", preset: str = ""
) -> RetentionSchedule:
    if actor is not None:
        require(actor, Perm.RETENTION_MANAGE)
    clean = _clean_schedule(data)
    from django.utils.text import slugify

    code = slugify(code or data.get("code") or clean["name"])[:80]
    if not code:
        raise ValidationFailed(_("a code is required"), field="code", code="required")
    with write_transaction():
        if RetentionSchedule.objects.filter(code=code).exists():
            raise ValidationFailed(
                _("a schedule with code %(code)r exists; edit it instead") % {"code": code},
                field="code",
                code="duplicate",
            )
        schedule = RetentionSchedule.objects.create(
            code=code,
            owner=actor,
            preset=preset,
            created_at=clock.now(),
            created_by=actor,
            **clean,
        )
        _journal_schedule(actor, schedule, None, RetentionAction.SCHEDULE_CREATE, "")
        _recompute_later()
    return schedule


def schedule_update(
    *, actor: User, schedule: RetentionSchedule, data: Mapping[str, Any], reason: str = ""
) -> RetentionSchedule:
    """A new version under the same code; the old row stays, no longer current."""
    require(actor, Perm.RETENTION_MANAGE)
    current = {f: getattr(schedule, f) for f in SCHEDULE_FIELDS}
    clean = _clean_schedule({**current, **data})
    with write_transaction():
        old = RetentionSchedule.objects.select_for_update().get(pk=schedule.pk)
        if not old.is_current:
            raise Conflict(
                _(
                    "schedule %(old_code)s version %(old_version)s is not the current version; reload and edit the current one"
                )
                % {"old_code": old.code, "old_version": old.version},
                field="version",
            )
        if all(getattr(old, k) == v for k, v in clean.items()):
            return old
        before = model_state(old)
        old.is_current = False
        old.save(update_fields=["is_current"])
        new = RetentionSchedule.objects.create(
            code=old.code,
            version=old.version + 1,
            owner=old.owner,
            preset=old.preset,
            created_at=clock.now(),
            created_by=actor,
            **clean,
        )
        _journal_schedule(actor, new, before, RetentionAction.SCHEDULE_UPDATE, reason)
        _recompute_later()
    return new


def presets_adopt(*, actor: User | None, industry: str) -> list[RetentionSchedule]:
    """Adopt an industry's presets as schedules (skipping those already adopted). Presets
    whose figures the sources do not confirm arrive as needs_confirmation."""
    if actor is not None:
        require(actor, Perm.RETENTION_MANAGE)
    if industry not in INDUSTRIES:
        raise ValidationFailed(
            _("unknown industry %(industry)r; known: %(known)s")
            % {"industry": industry, "known": ", ".join(INDUSTRIES)},
            field="industry",
            code="invalid_choice",
        )
    adopted: list[RetentionSchedule] = []
    with write_transaction():
        for p in presets_for(industry):
            code = f"{industry}-{p.code}"
            if RetentionSchedule.objects.filter(code=code).exists():
                continue
            adopted.append(
                schedule_create(
                    actor=actor,
                    code=code,
                    preset=p.code,
                    data={
                        "name": p.name,
                        "record_kind": p.record_kind,
                        "industry": industry,
                        "case_kind": p.case_kind,
                        "period_years": p.years,
                        "period_months": p.months,
                        "triggers": list(p.triggers),
                        "action": p.action,
                        "legal_source": p.source,
                        "status": (
                            ScheduleStatus.ACTIVE
                            if p.confirmed
                            else ScheduleStatus.NEEDS_CONFIRMATION
                        ),
                    },
                )
            )
        if not adopted:  # still leave a trace that someone looked
            record_change(
                actor=actor,
                action=RetentionAction.PRESETS_ADOPT,
                object_type="retention_presets",
                object_id=industry,
                after=None,
                extra={"adopted": 0},
            )
    return adopted
