"""Duplicate detection: the probable duplicates an identifier reveals, as the actor may
see them (merging them is services/merge.py)."""

from __future__ import annotations

from django.utils.translation import ngettext

from caseledger.accounts.models import User


def probable_duplicates(
    actor: User, warnings: tuple[str, ...], elsewhere: set[int]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    if not elsewhere:
        return warnings, ()
    from caseledger.customers.queries import customer_list

    visible = tuple(
        customer_list(actor=actor).filter(pk__in=elsewhere).values_list("pk", flat=True)
    )
    message = ngettext(
        "probable duplicate: the same value is recorded for %(n)d other customer",
        "probable duplicate: the same value is recorded for %(n)d other customers",
        len(elsewhere),
    ) % {"n": len(elsewhere)}
    return (*warnings, message), visible
