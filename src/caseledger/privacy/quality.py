"""Data-quality samples, read side: the samples of a month and their checks, scoped to the
departments whose customers the reader may see. Writes are in privacy.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.privacy.models import QualityCheck, QualityOutcome, QualitySample
from caseledger.privacy.request_due import today


def parse_month(text: str | None) -> dt.date:
    """YYYY-MM (or empty: this month) as the month's first day."""
    if not text:
        return today().replace(day=1)
    try:
        return dt.date.fromisoformat(f"{text}-01").replace(day=1)
    except ValueError:
        raise ValidationFailed(
            _("%(text)r is not a month (YYYY-MM)") % {"text": text}, field="month"
        ) from None


def quality_samples(*, actor: User | None, month: dt.date | None = None) -> QuerySet[QualitySample]:
    """Without an actor (the worker, the server's CLI) every department's."""
    qs = QualitySample.objects.select_related("department", "drawn_by").annotate(
        checked=Count("checks", filter=~Q(checks__outcome=QualityOutcome.PENDING)),
        total=Count("checks"),
    )
    if actor is not None:
        require(actor, Perm.CUSTOMER_VIEW)
        allowed = department_ids(actor, Perm.CUSTOMER_VIEW)
        if allowed is not None:
            qs = qs.filter(department_id__in=allowed)
    if month is not None:
        qs = qs.filter(month=month.replace(day=1))
    return qs.order_by("-month", "department__code")


def quality_sample_get(*, actor: User, sample_id: int | str) -> QualitySample:
    found = (
        quality_samples(actor=actor).filter(pk=sample_id).first() if is_id(str(sample_id)) else None
    )
    if found is None:
        raise NotFound(
            _("quality sample %(sample_id)s does not exist") % {"sample_id": sample_id},
            field="sample",
        )
    return found


def quality_checks(sample: QualitySample) -> QuerySet[QualityCheck]:
    return sample.checks.select_related("customer", "reviewer").order_by("id")


def quality_check_get(*, actor: User, check_id: int | str) -> QualityCheck:
    require(actor, Perm.CUSTOMER_VIEW)
    qs = QualityCheck.objects.select_related("customer", "sample", "reviewer")
    allowed = department_ids(actor, Perm.CUSTOMER_VIEW)
    if allowed is not None:
        qs = qs.filter(sample__department_id__in=allowed)
    found = qs.filter(pk=check_id).first() if is_id(str(check_id)) else None
    if found is None:
        raise NotFound(
            _("quality check %(check_id)s does not exist") % {"check_id": check_id}, field="check"
        )
    return found


def outcome_counts(sample: QualitySample) -> dict[str, Any]:
    counts = dict(
        sample.checks.values("outcome").annotate(n=Count("id")).values_list("outcome", "n")
    )
    return {o: counts.get(o, 0) for o in QualityOutcome.values}
