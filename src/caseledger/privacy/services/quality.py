"""Data-quality sampling: draw a monthly sample, record each check."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import model_state
from caseledger.customers.models import Customer
from caseledger.journal.services import record_change, write_transaction
from caseledger.privacy import request_due
from caseledger.privacy.actions import PrivacyAction
from caseledger.privacy.models import (
    QualityCheck,
    QualityOutcome,
    QualitySample,
)
from caseledger.privacy.services.common import record_privacy_change

# ---- data-quality sampling ------------------------------------------------------------------
# Each month a random sample of every department's customer records is checked against the
# source by a reviewer (someone who may approve sensitive changes). The draw keeps its seed,
# so anyone can repeat it from the population and see it was random, not chosen.

QUALITY_NOTE_MAX = 2000
QUALITY_SIZE_MAX = 1000


def _quality_month(month: dt.date | str | None) -> dt.date:
    """The first day of the month meant: a date in it, or YYYY-MM; this month if none."""
    if month in (None, ""):
        day = request_due.today()
    elif isinstance(month, dt.date):
        day = month
    else:
        try:
            day = dt.date.fromisoformat(f"{month}-01" if len(str(month)) == 7 else str(month))
        except ValueError:
            raise ValidationFailed(
                _("%(value)r is not a month (YYYY-MM)") % {"value": month}, field="month"
            ) from None
    first = day.replace(day=1)
    if first > request_due.today().replace(day=1):
        raise ValidationFailed(_("cannot draw a sample for a future month"), field="month")
    return first


def quality_sample_draw(
    *,
    actor: User | None,
    month: dt.date | str | None = None,
    department: Department | None = None,
    size: int | None = None,
) -> list[QualitySample]:
    """The month's sample for each department the actor reviews (or the given one; every
    department for the worker, actor None). Idempotent: a department's sample for a month
    is drawn once; asking again returns it unchanged. Merged-away and restricted customers
    are not drawn (the first is only a pointer, the second is compliance's alone)."""
    if actor is not None:
        require(actor, Perm.CUSTOMER_APPROVE, department.pk if department else None)
    first = _quality_month(month)
    size = settings.QUALITY_SAMPLE_SIZE if size is None else size
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= QUALITY_SIZE_MAX:
        raise ValidationFailed(
            _("must be a whole number from 1 to %(n)d") % {"n": QUALITY_SIZE_MAX}, field="size"
        )
    departments = Department.objects.order_by("code")
    if department is not None:
        departments = departments.filter(pk=department.pk)
    elif actor is not None:
        allowed = department_ids(actor, Perm.CUSTOMER_APPROVE)
        if allowed is not None:
            departments = departments.filter(pk__in=allowed)
    samples = []
    for dept in departments:
        with write_transaction():
            found = QualitySample.objects.filter(department=dept, month=first).first()
            if found is None:
                found = _quality_draw(actor, dept, first, size)
        samples.append(found)
    return samples


def _quality_draw(actor: User | None, dept: Department, first: dt.date, size: int) -> QualitySample:
    population = list(
        Customer.objects.filter(
            department=dept, merged_into__isnull=True, restricted_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    seed = secrets.token_hex(8)
    chosen = sorted(random.Random(seed).sample(population, min(size, len(population))))
    sample = QualitySample.objects.create(
        department=dept,
        month=first,
        size=size,
        population=len(population),
        seed=seed,
        drawn_at=clock.now(),
        drawn_by=actor,
    )
    QualityCheck.objects.bulk_create(QualityCheck(sample=sample, customer_id=c) for c in chosen)
    state = {**model_state(sample), "customers": chosen}
    record_change(
        actor=actor,
        action=PrivacyAction.QUALITY_SAMPLE,
        object_type="qualitysample",
        object_id=str(sample.pk),
        after=state,
        before=None,
    )
    return sample


def quality_check_record(
    *, actor: User, check: QualityCheck, outcome: str, note: str = ""
) -> QualityCheck:
    """What the reviewer found for one sampled record: correct, corrected (the correction
    itself goes through the customer services), or could not verify. A note is required
    unless the record was correct. Recorded once."""
    require(actor, Perm.CUSTOMER_APPROVE, check.customer.department_id)
    decided = [o for o in QualityOutcome.values if o != QualityOutcome.PENDING]
    if outcome not in decided:
        raise ValidationFailed(
            _("must be one of %(choices)s") % {"choices": ", ".join(decided)},
            field="outcome",
            code="invalid_choice",
        )
    note = (note or "").strip()
    if outcome != QualityOutcome.OK and not note:
        raise ValidationFailed(
            _("say what was corrected or why it could not be verified"),
            field="note",
            code="required",
        )
    if len(note) > QUALITY_NOTE_MAX:
        raise ValidationFailed(
            _("must be at most %(n)d characters") % {"n": QUALITY_NOTE_MAX},
            field="note",
            code="too_long",
        )
    with write_transaction():
        current = QualityCheck.objects.select_for_update().get(pk=check.pk)
        if current.outcome != QualityOutcome.PENDING:
            raise Conflict(
                _("this record's check was already recorded (%(outcome)s)")
                % {"outcome": current.get_outcome_display()},
                field="outcome",
                code="decided",
            )
        before = model_state(current)
        current.outcome = outcome
        current.note = note
        current.reviewer = actor
        current.reviewed_at = clock.now()
        current.save()
        record_privacy_change(
            actor, PrivacyAction.QUALITY_CHECK, current, before, reason=note[:500]
        )
    return current
