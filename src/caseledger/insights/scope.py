"""Who sees which figures, and the dashboard's filters.

insights.view: supervisors see their departments, compliance and auditors everything.
Restricted records (PIPL Art 47) count only for those who may read them (compliance); for
everyone else they are left out of every figure, as they are left out of every list."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Channel
from caseledger.cases.taxonomy import known_category
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.retention.restriction import may_see_restricted

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_MONTHS = 12
MAX_MONTHS = 120


@dataclass(frozen=True)
class Filters:
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month
    department: int | None = None
    category: str = ""
    channel: str = ""

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def last_day(self) -> dt.date:
        return add_months(self.end, 1) - dt.timedelta(days=1)

    def previous(self) -> Filters:
        """The same filters over the period just before, of the same length."""
        months = self.months
        return Filters(
            add_months(self.start, -months),
            add_months(self.end, -months),
            self.department,
            self.category,
            self.channel,
        )

    def as_params(self) -> dict[str, str]:
        out = {"from": self.start.strftime("%Y-%m"), "to": self.end.strftime("%Y-%m")}
        if self.department:
            out["department"] = str(self.department)
        if self.category:
            out["category"] = self.category
        if self.channel:
            out["channel"] = self.channel
        return out


@dataclass(frozen=True)
class Scope:
    actor: User
    departments: frozenset[int] | None  # None: every department
    restricted: bool  # restricted records count too

    def q(self, field: str = "department_id") -> Q:
        q = Q() if self.departments is None else Q(**{f"{field}__in": self.departments})
        return q if self.restricted else q & Q(restricted=False)


def scope_of(actor: User) -> Scope:
    require(actor, Perm.INSIGHTS_VIEW)
    allowed = department_ids(actor, Perm.INSIGHTS_VIEW)
    return Scope(
        actor,
        None if allowed is None else frozenset(allowed),
        may_see_restricted(actor),
    )


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def this_month() -> dt.date:
    return timezone.localtime(clock.now()).date().replace(day=1)


def parse_month(value: Any, field: str) -> dt.date:
    match = MONTH.match(str(value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValidationFailed(
            _("%(field)s: “%(value)s” is not a month; write it as YYYY-MM, e.g. 2026-11")
            % {"field": field, "value": str(value)[:20]},
            field=field,
        )
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def parse_filters(params: Mapping[str, Any], scope: Scope) -> Filters:
    """The filters from a query string; every bad one named, in the user's language."""
    errors: list[ValidationFailed] = []
    end = this_month()
    start = end
    try:
        end = parse_month(params["to"], "to") if params.get("to") else this_month()
        start = (
            parse_month(params["from"], "from")
            if params.get("from")
            else add_months(end, 1 - DEFAULT_MONTHS)
        )
    except ValidationFailed as exc:
        errors.append(exc)
    if not errors and start > end:
        errors.append(ValidationFailed(_("from: the period starts after it ends"), field="from"))
    elif not errors and (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
        errors.append(
            ValidationFailed(
                _("from: a period is at most %(n)d months") % {"n": MAX_MONTHS}, field="from"
            )
        )
    department = _department(params.get("department"), scope, errors)
    category = str(params.get("category") or "").strip()
    if category and not known_category(category):
        errors.append(
            ValidationFailed(
                _("category: “%(value)s” is not a category") % {"value": category[:40]},
                field="category",
            )
        )
    channel = str(params.get("channel") or "").strip()
    if channel and channel not in Channel.values:
        errors.append(
            ValidationFailed(
                _("channel: “%(value)s” is not a channel") % {"value": channel[:40]},
                field="channel",
            )
        )
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise ValidationFailed("; ".join(str(e) for e in errors), errors=list(errors))
    return Filters(start, end, department, category, channel)


def _department(value: Any, scope: Scope, errors: list) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    found = (
        Department.objects.filter(pk=int(text)).first()
        if is_id(text) and int(text) < 2**63
        else Department.objects.filter(code=text).first()
    )
    if found is None:
        errors.append(
            ValidationFailed(
                _("department: “%(value)s” is not a department") % {"value": text[:40]},
                field="department",
            )
        )
        return None
    if scope.departments is not None and found.pk not in scope.departments:
        raise PermissionDenied(
            _("You may not see the figures of department %(name)s") % {"name": found.code},
            code="forbidden",
        )
    return found.pk
