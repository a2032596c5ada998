"""May a customer's data be erased now, or does a law still require keeping it?

Asked by a privacy deletion request (PIPL Art 47). A retention period still running on the
customer or any of its cases means keep: the customer is restricted instead, with the legal
source and the date shown. The answer errs towards keeping: a record whose trigger has not
happened yet (a case still open) counts as kept, and both the deadline computed now and the
stored one are consulted, the later winning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from caseledger.cases.models import Case
from caseledger.customers.models import Customer
from caseledger.retention import deadlines
from caseledger.retention.models import RecordRetention, RetentionSchedule


@dataclass(frozen=True)
class Keep:
    record: str  # "customer 12" or a case reference
    schedule: RetentionSchedule
    due_on: dt.date | None  # None: its trigger has not happened yet

    def text(self) -> str:
        until = (
            _("until %(date)s") % {"date": self.due_on.isoformat()}
            if self.due_on
            else _("until %(period)s after %(trigger)s, which has not happened yet")
            % {"period": self.schedule.period_text, "trigger": ", ".join(self.schedule.triggers)}
        )
        return _("%(record)s kept %(until)s under %(source)s (schedule %(schedule)s)") % {
            "record": self.record,
            "until": until,
            "source": self.schedule.legal_source,
            "schedule": self.schedule.name,
        }


def legal_keeps(customer: Customer, on: dt.date) -> list[Keep]:
    """Every retention period still running on the customer or its cases, longest first."""
    from caseledger.retention.services import governing_schedules

    schedules = governing_schedules()
    keeps: dict[tuple[str, int], Keep] = {}

    def consider(kind: str, pk: int, label: str, schedule, due: dt.date | None) -> None:
        if schedule is None or not (schedule.legal_source or "").strip():
            return
        if due is not None and due <= on:
            return
        current = keeps.get((kind, pk))
        if current is None or (
            current.due_on is not None and (due is None or due > current.due_on)
        ):
            keeps[(kind, pk)] = Keep(label, schedule, due)

    label = _("customer %(id)s") % {"id": customer.pk}
    d = deadlines.deadline(customer, schedules, on=on, held=False)
    consider("customer", customer.pk, label, d.schedule, d.due_on)
    cases = list(Case.objects.select_related("customer").filter(customer=customer))
    for case in cases:
        d = deadlines.deadline(case, schedules, on=on, held=False)
        consider("case", case.pk, case.reference, d.schedule, d.due_on)
    references = {c.pk: c.reference for c in cases}
    stored = RecordRetention.objects.select_related("schedule").filter(due_on__gt=on)
    for row in stored.filter(record_type="customer", record_id=customer.pk):
        consider("customer", customer.pk, label, row.schedule, row.due_on)
    for row in stored.filter(record_type="case", record_id__in=list(references)):
        consider("case", row.record_id, references[row.record_id], row.schedule, row.due_on)
    return sorted(keeps.values(), key=lambda k: (1, -k.due_on.toordinal()) if k.due_on else (0, 0))


def restriction_reason(keeps: list[Keep], limit: int = 3) -> str:
    """The restriction's reason: the longest periods first, then how many more."""
    shown = "; ".join(k.text() for k in keeps[:limit])
    rest = len(keeps) - limit
    if rest > 0:
        shown += "; " + _("and %(n)d more record(s) under a running period") % {"n": rest}
    return shown
