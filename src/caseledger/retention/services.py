"""Every write to legal holds, retention schedules and computed deadlines. Permission →
validation → write → journal, one transaction each (per batch for the recompute)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.permissions import PRIVACY_HANDLE
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers.models import Customer
from caseledger.journal.services import record_change, write_transaction
from caseledger.retention import deadlines, holds, sweep
from caseledger.retention.actions import RetentionAction
from caseledger.retention.models import (
    Action,
    HoldScope,
    LegalHold,
    RecordKind,
    RecordRetention,
    RetentionSchedule,
    ScheduleStatus,
    Trigger,
)
from caseledger.retention.presets import INDUSTRIES, presets_for

# ---- legal holds -----------------------------------------------------------------------


def hold_state(hold: LegalHold) -> dict[str, Any]:
    state = model_state(hold)
    state["cases"] = sorted(hold.cases.values_list("pk", flat=True))
    state["customers"] = sorted(hold.customers.values_list("pk", flat=True))
    return state


def _ids(values: Iterable[Any], model: Any, field: str) -> list[int]:
    wanted: list[int] = []
    refs: list[str] = []
    for v in values or ():
        text = str(v).strip()
        if text.isdigit():
            wanted.append(int(text))
        elif model is Case and text.upper().startswith("CL-"):
            refs.append(text.upper())
        else:
            raise ValidationFailed(f"{text!r} is not an id", field=field, code="invalid")
    found = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if refs:
        by_ref = dict(Case.objects.filter(reference__in=refs).values_list("reference", "pk"))
        missing_refs = [r for r in refs if r not in by_ref]
        if missing_refs:
            raise ValidationFailed(
                f"no such case: {', '.join(missing_refs)}", field=field, code="not_found"
            )
        found |= set(by_ref.values())
        wanted += list(by_ref.values())
    missing = sorted(set(wanted) - found)
    if missing:
        raise ValidationFailed(
            f"no such {field[:-1]}: {', '.join(map(str, missing))}", field=field, code="not_found"
        )
    return sorted(set(wanted))


def hold_place(
    *,
    actor: User,
    matter: str,
    reason: str,
    scope: str,
    cases: Iterable[Any] = (),
    customers: Iterable[Any] = (),
    case_filter: Mapping[str, Any] | None = None,
    owner: User | None = None,
) -> LegalHold:
    require(actor, Perm.HOLD_MANAGE)
    c = Collector()
    data = {"matter": matter, "reason": reason, "scope": scope}
    matter_clean = c.text(data, "matter", required=True, max_length=200)
    reason_clean = c.text(data, "reason", required=True, max_length=5000)
    c.choice(data, "scope", HoldScope.values, required=True)
    c.raise_if_any()
    case_ids: list[int] = []
    customer_ids: list[int] = []
    saved: dict[str, str] = {}
    if scope == HoldScope.CASES:
        case_ids = _ids(cases, Case, "cases")
        if not case_ids:
            raise ValidationFailed("name at least one case", field="cases", code="required")
    elif scope == HoldScope.CUSTOMERS:
        customer_ids = _ids(customers, Customer, "customers")
        if not customer_ids:
            raise ValidationFailed("name at least one customer", field="customers", code="required")
    else:
        saved = holds.clean_filter(dict(case_filter or {}))
    with write_transaction():
        hold = LegalHold.objects.create(
            matter=matter_clean or "",
            reason=reason_clean or "",
            owner=owner or actor,
            scope=scope,
            case_filter=saved,
            placed_at=clock.now(),
            placed_by=actor,
        )
        hold.cases.set(case_ids)
        hold.customers.set(customer_ids)
        state = hold_state(hold)
        record_change(
            actor=actor,
            action=RetentionAction.HOLD_PLACE,
            object_type="legal_hold",
            object_id=str(hold.pk),
            after=state,
            before=None,
            reason=reason_clean or "",
        )
    return hold


def hold_release(*, actor: User, hold: LegalHold, reason: str) -> LegalHold:
    require(actor, Perm.HOLD_MANAGE)
    if not (reason or "").strip():
        raise ValidationFailed(
            "a reason is required to release a hold", field="reason", code="required"
        )
    with write_transaction():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            raise Conflict(f"hold {hold.pk} ({hold.matter}) is already released", field="hold")
        before = hold_state(hold)
        hold.released_at = clock.now()
        hold.released_by = actor
        hold.release_reason = reason.strip()
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        after = hold_state(hold)
        record_change(
            actor=actor,
            action=RetentionAction.HOLD_RELEASE,
            object_type="legal_hold",
            object_id=str(hold.pk),
            after=after,
            before=before,
            reason=hold.release_reason,
        )
    return hold


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
        c.add("tags", "must be a list of text", "invalid")
    clean["tags"] = sorted({t.strip() for t in tags if isinstance(t, str) and t.strip()})
    for name, most in (("period_years", 200), ("period_months", 2400), ("period_days", 73000)):
        clean[name] = c.integer(data, name, minimum=0, maximum=most) or 0
    triggers = data.get("triggers") or []
    if isinstance(triggers, str):
        triggers = [triggers]
    bad = [t for t in triggers if t not in Trigger.values]
    if not triggers:
        c.add("triggers", f"name at least one of {', '.join(Trigger.values)}", "required")
    elif bad:
        c.add(
            "triggers",
            f"unknown trigger(s) {', '.join(map(str, bad))}; known: {', '.join(Trigger.values)}",
            "invalid_choice",
        )
    clean["triggers"] = list(dict.fromkeys(triggers))
    review = data.get("next_review_on")
    if isinstance(review, str) and review:
        try:
            review = dt.date.fromisoformat(review)
        except ValueError:
            c.add("next_review_on", "is not a date (YYYY-MM-DD)", "invalid")
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
        raise ValidationFailed("a code is required", field="code", code="required")
    with write_transaction():
        if RetentionSchedule.objects.filter(code=code).exists():
            raise ValidationFailed(
                f"a schedule with code {code!r} exists; edit it instead",
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
                f"schedule {old.code} version {old.version} is not the current version; "
                "reload and edit the current one",
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
            f"unknown industry {industry!r}; known: {', '.join(INDUSTRIES)}",
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


# ---- computed deadlines ----------------------------------------------------------------

DEFAULT_BATCH = 500


def governing_schedules() -> list[RetentionSchedule]:
    return list(
        RetentionSchedule.objects.filter(is_current=True)
        .exclude(status=ScheduleStatus.RETIRED)
        .order_by("code")
    )


def retention_recompute(
    *,
    actor: User | None,
    on: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Recompute every case's and customer's deadline, one transaction and one journal
    entry per batch (deadlines are derived data: the entry records the batch's counts, not
    each row). Safe to interrupt and run again: every batch rewrites its rows whole."""
    if actor is not None:
        require(actor, Perm.RETENTION_MANAGE)
    on = on or timezone.localdate(clock.now())
    engine = deadlines.Engine(governing_schedules(), on=on)
    counts: dict[str, int] = {}
    for record_type in ("case", "customer"):
        for batch in sweep.batches(engine, record_type, size=batch_size):
            for state, n in _recompute_batch(actor, engine, batch).items():
                counts[state] = counts.get(state, 0) + n
            if progress:
                progress(len(batch.rows))
    return counts


_WRITTEN = ("schedule_id", "schedule_version", "trigger_on", "due_on", "state", "computed_at")


def _recompute_batch(actor: User | None, engine: deadlines.Engine, batch: sweep.Batch):
    """Rewrite one batch's deadlines whole (plain rows in, raw multi-row writes out)."""
    from django.db import connection

    from caseledger.journal import bulk

    ops = connection.ops
    stamp = bulk.db_time(clock.now())
    record_type, pks = batch.record_type, batch.pks
    counts: dict[str, int] = {}
    with write_transaction():
        existing = {
            record_id: (pk, erasure_on)
            for record_id, pk, erasure_on in RecordRetention.objects.filter(
                batch.within("record_id"), record_type=record_type
            ).values_list("record_id", "pk", "erasure_on")
        }
        found = sweep.evaluate(
            engine,
            batch,
            held_pks=sweep.held(batch),
            erasure={k: v[1] for k, v in existing.items() if v[1] is not None},
            # Extensions, open reviews and anonymizations (caseledger.disposition) win.
            adjust=sweep.overrides(batch, engine.on),
        )
        new, changed = [], []
        for record_id, d in found:
            state = str(d.state)
            counts[state] = counts.get(state, 0) + 1
            values = (
                d.schedule.pk if d.schedule else None,
                d.schedule.version if d.schedule else None,
                ops.adapt_datefield_value(d.trigger_on),
                ops.adapt_datefield_value(d.due_on),
                state,
                stamp,
            )
            row = existing.get(record_id)
            if row is None:
                new.append((record_type, record_id, *values))
            else:
                changed.append((*values, row[0]))
        if new:
            bulk.insert_rows(RecordRetention, ("record_type", "record_id", *_WRITTEN), new)
        if changed:
            table = ops.quote_name(RecordRetention._meta.db_table)
            sets = ", ".join(f"{ops.quote_name(c)} = %s" for c in _WRITTEN)
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", changed)
        record_change(
            actor=actor,
            action=RetentionAction.RECOMPUTE,
            object_type="retention_batch",
            object_id=f"{record_type}:{pks[0]}-{pks[-1]}",
            after=None,
            extra={"on": engine.on.isoformat(), "records": len(pks), "states": counts},
        )
    return counts


# ---- restriction (PIPL Art 47) -----------------------------------------------------------


def _restriction_target(case: Case | None, customer: Customer | None) -> tuple[str, Any]:
    if (case is None) == (customer is None):
        raise ValidationFailed(
            "name exactly one record: a case or a customer", field="record", code="required"
        )
    return ("case", case) if case is not None else ("customer", customer)


def _restriction_write(actor: User | None, kind: str, record: Any, reason: str, on: bool) -> Any:
    from caseledger.cases.services import case_state
    from caseledger.customers.services import customer_state

    model: Any = Case if kind == "case" else Customer
    state_of = case_state if kind == "case" else customer_state
    name = record.reference if kind == "case" else f"customer {record.pk}"
    with write_transaction():
        locked = model.objects.select_for_update().get(pk=record.pk)
        if on and locked.restricted_at is not None:
            raise Conflict(f"{name} is already restricted", field="restricted", code="restricted")
        if not on and locked.restricted_at is None:
            raise Conflict(f"{name} is not restricted", field="restricted", code="not_restricted")
        before = state_of(locked)
        locked.restricted_at = clock.now() if on else None
        locked.restricted_reason = reason if on else ""
        locked.save(update_fields=["restricted_at", "restricted_reason"])
        after = state_of(locked)
        record_change(
            actor=actor,
            action=f"{kind}.{'restrict' if on else 'unrestrict'}",
            object_type=kind,
            object_id=str(locked.pk),
            after=after,
            before=before,
            reason=reason,
        )
        _refresh_deadlines(actor, kind, locked)
    return locked


def _refresh_deadlines(actor: User | None, kind: str, record: Any) -> None:
    """The record's stored lifecycle state follows at once (its customer's cases too),
    rather than at the nightly recompute."""
    engine = deadlines.Engine(governing_schedules(), on=timezone.localdate(clock.now()))
    if kind == "case":
        _recompute_one(actor, engine, "case", Q(pk=record.pk))
        return
    _recompute_one(actor, engine, "customer", Q(pk=record.pk))
    _recompute_one(actor, engine, "case", Q(customer=record.pk))


def _recompute_one(actor: User | None, engine: deadlines.Engine, record_type: str, where: Q):
    for batch in sweep.batches(engine, record_type, size=DEFAULT_BATCH, where=where):
        _recompute_batch(actor, engine, batch)


def _require_manage_or_handler(actor: User | None, record: Any, privacy_request: Any) -> None:
    """Records managers and compliance restrict; a privacy deletion request's outcome is
    the law's, so its handler's permission (PRIVACY_HANDLE, privacy.services.HANDLE) is
    enough there."""
    if actor is None:
        return
    if privacy_request is None:
        require(actor, Perm.RETENTION_MANAGE)
        return
    require(actor, PRIVACY_HANDLE, record.department_id)


def record_restrict(
    *,
    actor: User | None,
    reason: str,
    case: Case | None = None,
    customer: Customer | None = None,
    privacy_request: Any = None,
) -> Case | Customer:
    """Restrict a case or a customer (with all its cases): readable by compliance only,
    out of every list, frozen. Allowed under a legal hold: restriction deletes nothing."""
    kind, record = _restriction_target(case, customer)
    _require_manage_or_handler(actor, record, privacy_request)
    c = Collector()
    clean = c.text({"reason": reason}, "reason", required=True, max_length=5000)
    c.raise_if_any()
    return _restriction_write(actor, kind, record, clean or "", True)


def record_unrestrict(
    *,
    actor: User | None,
    reason: str,
    case: Case | None = None,
    customer: Customer | None = None,
) -> Case | Customer:
    """Lift a restriction: the only change a restricted record accepts."""
    kind, record = _restriction_target(case, customer)
    _require_manage_or_handler(actor, record, None)
    c = Collector()
    clean = c.text({"reason": reason}, "reason", required=True, max_length=5000)
    c.raise_if_any()
    return _restriction_write(actor, kind, record, clean or "", False)


def retention_erasure_mark(
    *, actor: User | None, customer: Customer, reason: str, privacy_request: Any = None
) -> None:
    """A deletion request found no legal period running: the customer falls due today and
    so enters the disposition review (anonymization). Kept across recomputes."""
    _require_manage_or_handler(actor, customer, privacy_request)
    today = timezone.localdate(clock.now())
    with write_transaction():
        row, _created = RecordRetention.objects.get_or_create(
            record_type="customer",
            record_id=customer.pk,
            defaults={"state": "due", "computed_at": clock.now(), "erasure_on": today},
        )
        if row.erasure_on is None or row.erasure_on > today:
            row.erasure_on = today
            row.save(update_fields=["erasure_on"])
        record_change(
            actor=actor,
            action=RetentionAction.ERASURE_MARK,
            object_type="customer",
            object_id=str(customer.pk),
            after=None,
            reason=reason,
            extra={"erasure_on": today.isoformat()},
        )
        engine = deadlines.Engine(governing_schedules(), on=today)
        _recompute_one(actor, engine, "customer", Q(pk=customer.pk))


# ---- reminders -----------------------------------------------------------------------------


def reminders_send(*, actor: User | None, on: dt.date | None = None) -> dict[str, int]:
    """Remind the owning department's supervisors and every records manager of records due
    within RETENTION_REMIND_DAYS: in the app and one email per person. Run it again and
    nothing new is sent (see retention.reminders)."""
    from caseledger.retention import reminders

    if actor is not None:
        require(actor, Perm.RETENTION_MANAGE)
    on = on or timezone.localdate(clock.now())
    with write_transaction():
        created = reminders.create_due(on)
        record_change(
            actor=actor,
            action=RetentionAction.REMINDERS,
            object_type="retention_reminders",
            object_id=on.isoformat(),
            after=None,
            extra={"created": created},
        )
    # Email after the commit: the rows say who was told; a failed send leaves them unsent,
    # and the next run retries exactly those.
    sent = reminders.email_unsent()
    return {"created": created, **sent}


def reminder_mark_read(*, actor: User, reminder_ids: Iterable[int | str] | None = None) -> int:
    """Mark the actor's own reminders read (all of them when no ids are given)."""
    from caseledger.retention.models import Reminder

    qs = Reminder.objects.filter(recipient=actor, read_at__isnull=True)
    if reminder_ids is not None:
        ids = [int(i) for i in reminder_ids if str(i).isdigit()]
        qs = qs.filter(pk__in=ids)
    with write_transaction():
        marked = list(qs.values_list("pk", flat=True))
        n = Reminder.objects.filter(pk__in=marked).update(read_at=clock.now())
        record_change(
            actor=actor,
            action=RetentionAction.REMINDERS_READ,
            object_type="user",
            object_id=str(actor.pk),
            after=None,
            extra={"reminders": marked},
        )
    return n
