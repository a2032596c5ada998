"""Is this record under a legal hold? The one place every write path asks.

Dangerous module: a mistake here lets someone change or dispose of evidence under a legal
hold. Guarantees: a case is held when an active hold names it, names its customer, or has
a saved filter the case matches *now* (re-evaluated, so cases recorded after the hold was
placed are held too); a customer is held when an active hold names it. Released holds
never count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.cases.models import Case
from caseledger.cases.queries import department_q, text_q
from caseledger.core.errors import ValidationFailed
from caseledger.customers.models import Customer
from caseledger.retention.errors import Held
from caseledger.retention.models import HoldScope, LegalHold

FILTER_KEYS = ("category", "subcategory", "kind", "department", "received_from", "received_to", "q")


def _day_start(value: str, field: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            _("%(value)r is not a date (YYYY-MM-DD)") % {"value": value},
            field=f"filter.{field}",
            code="invalid",
        ) from exc
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def clean_filter(raw: Any) -> dict[str, str]:
    """A saved filter as stored: known keys, text values, dates checked."""
    if not isinstance(raw, dict) or not raw:
        raise ValidationFailed(
            _("a filter needs at least one of: %(known)s") % {"known": ", ".join(FILTER_KEYS)},
            field="filter",
            code="required",
        )
    unknown = sorted(set(raw) - set(FILTER_KEYS))
    if unknown:
        raise ValidationFailed(
            _("unknown filter key(s) %(unknown)s; known: %(known)s")
            % {"unknown": ", ".join(unknown), "known": ", ".join(FILTER_KEYS)},
            field="filter",
            code="unknown_field",
        )
    clean = {k: str(v).strip() for k, v in raw.items() if v not in (None, "")}
    for key in ("received_from", "received_to"):
        if key in clean:
            _day_start(clean[key], key)
    if not clean:
        raise ValidationFailed(_("the filter is empty"), field="filter", code="required")
    return clean


def filter_q(case_filter: dict[str, str]) -> Q:
    """The saved filter as a condition on cases; the same meaning as the case list's."""
    q = Q()
    for key in ("category", "subcategory", "kind"):
        if case_filter.get(key):
            q &= Q(**{key: case_filter[key]})
    if case_filter.get("department"):
        q &= department_q(case_filter["department"])
    if case_filter.get("received_from"):
        q &= Q(received_at__gte=_day_start(case_filter["received_from"], "received_from"))
    if case_filter.get("received_to"):
        end = _day_start(case_filter["received_to"], "received_to") + dt.timedelta(days=1)
        q &= Q(received_at__lt=end)
    if case_filter.get("q"):
        q &= text_q(case_filter["q"])  # the case list's own search
    return q


def active_holds():
    return LegalHold.objects.filter(released_at__isnull=True)


def holds_for_case(case: Case) -> list[LegalHold]:
    direct = list(
        active_holds()
        .filter(Q(cases=case.pk) | Q(customers=case.customer_id))
        .distinct()
        .order_by("placed_at", "id")
    )
    seen = {h.pk for h in direct}
    for hold in active_holds().filter(scope=HoldScope.FILTER).order_by("placed_at", "id"):
        if hold.pk in seen:
            continue
        if Case.objects.filter(filter_q(hold.case_filter), pk=case.pk).exists():
            direct.append(hold)
    return direct


def holds_for_customer(customer: Customer) -> list[LegalHold]:
    return list(active_holds().filter(customers=customer.pk).order_by("placed_at", "id"))


def held_case_ids(case_ids: list[int]) -> set[int]:
    """Which of these cases are held: a batch form of holds_for_case for the recompute."""
    if not case_ids:
        return set()
    holds = active_holds()
    cases = Case.objects.filter(pk__in=case_ids)
    q = Q(legal_holds__in=holds) | Q(customer__legal_holds__in=holds)
    for hold in holds.filter(scope=HoldScope.FILTER):
        q |= filter_q(hold.case_filter)
    return set(cases.filter(q).values_list("pk", flat=True))


def held_customer_ids(customer_ids: list[int]) -> set[int]:
    return set(
        Customer.objects.filter(pk__in=customer_ids, legal_holds__in=active_holds()).values_list(
            "pk", flat=True
        )
    )


def _refuse(holds: list[LegalHold], what: str) -> None:
    if not holds:
        return
    names = _("; ").join(
        _("%(matter)s (hold %(id)s)") % {"matter": h.matter, "id": h.pk} for h in holds
    )
    raise Held(
        _(
            "%(what)s is under legal hold: %(names)s. It cannot be changed until the hold is "
            "released; ask the hold's owner, or a records manager, if the change must be made."
        )
        % {"what": what, "names": names},
        field="hold",
    )


def ensure_not_held(*, case: Case | None = None, customer: Customer | None = None) -> None:
    """Raise Held, naming each matter, if the case or customer is held."""
    if case is not None:
        _refuse(holds_for_case(case), _("Case %(ref)s") % {"ref": case.reference})
    if customer is not None:
        _refuse(holds_for_customer(customer), _("Customer #%(id)s") % {"id": customer.pk})
