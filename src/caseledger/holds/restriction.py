"""Restricted records (PIPL Art 47): the purpose has ended but a legal period still runs.

Dangerous module: a mistake here shows personal data whose processing must have stopped, or
lets it be changed. Guarantees:
- every case and customer list goes through `hide_restricted`, so for anyone without
  restricted.view a restricted customer, a restricted case, and every case of a restricted
  customer are absent (lists, work queues, search, API lists, exports, counts);
- opening one directly raises `Restricted` (403) naming the restriction and its reason;
- `ensure_not_restricted` refuses every modification (everyone, compliance included) until
  the restriction is lifted with retention.services.record_unrestrict.
Restriction never deletes, so it is allowed on held records.

It stands on the `holds` floor, below customers and cases, because their every write calls
`ensure_not_restricted`; `caseledger.retention.restriction` re-exports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from caseledger.core.access import can
from caseledger.core.errors import PermissionDenied
from caseledger.core.permissions import Perm

if TYPE_CHECKING:
    from caseledger.accounts.models import User

# cases.models.Case and customers.models.Customer: both stand above this floor (ADR 0011),
# so the checks read the fields they share (restricted_at, restricted_reason).
Case = Any
Customer = Any

M = TypeVar("M", bound=Model)


class Restricted(PermissionDenied):
    """Reading a restricted record without restricted.view, or changing one at all: a 403
    whose message names the restriction and its reason (never a "not found")."""

    code = "restricted"


def may_see_restricted(actor: User | None) -> bool:
    return actor is None or can(actor, Perm.RESTRICTED_VIEW)


def hide_restricted(qs: QuerySet[M], actor: User | None) -> QuerySet[M]:
    """The one filter every case and customer list applies (cases.queries.case_list,
    customers.queries.customer_list)."""
    if may_see_restricted(actor):
        return qs
    if qs.model._meta.model_name == "case":
        return qs.filter(restricted_at__isnull=True, customer__restricted_at__isnull=True)
    return qs.filter(restricted_at__isnull=True)


def restriction_of(
    *, case: Case | None = None, customer: Customer | None = None
) -> tuple[str, str] | None:
    """(what, reason) when the record is restricted; a case inherits its customer's."""
    if case is not None:
        if case.restricted_at is not None:
            return (_("case %(ref)s") % {"ref": case.reference}, case.restricted_reason)
        customer = case.customer
    if customer is not None and customer.restricted_at is not None:
        return (_("customer %(id)s") % {"id": customer.pk}, customer.restricted_reason)
    return None


def ensure_readable(
    actor: User | None, *, case: Case | None = None, customer: Customer | None = None
) -> None:
    found = restriction_of(case=case, customer=customer)
    if found and not may_see_restricted(actor):
        what, reason = found
        raise Restricted(
            _("%(what)s is restricted under PIPL Art 47: %(reason)s")
            % {"what": what, "reason": reason},
            field="restricted",
        )


def ensure_not_restricted(*, case: Case | None = None, customer: Customer | None = None) -> None:
    found = restriction_of(case=case, customer=customer)
    if found:
        what, reason = found
        raise Restricted(
            _(
                "%(what)s is restricted under PIPL Art 47: %(reason)s. "
                "It cannot be changed unless the restriction is lifted."
            )
            % {"what": what, "reason": reason},
            field="restricted",
        )
