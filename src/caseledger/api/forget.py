"""Stored API replies erase with the records they name (disposition calls this through the
hook registered in apps.py: disposition stands below api, ADR 0010)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from caseledger.api.models import IdempotencyKey
from caseledger.cases.models import Case


def forget_api_replies(case_ids: Iterable[int], customer_ids: Iterable[int]) -> int:
    """Delete the stored answers of idempotent API requests (api.IdempotencyKey) that name
    these records: a reply holds the record as it was, subject and all. A request names a
    case by id or reference in its path (`/cases/<id>/notes`), or created it (`/cases`,
    the reply's `id`); customers likewise."""
    wanted = Q(pk__in=[])
    for plural, ids in (("cases", list(case_ids)), ("customers", list(customer_ids))):
        names = [str(i) for i in ids]
        if plural == "cases":
            names += list(Case.objects.filter(pk__in=ids).values_list("reference", flat=True))
        for name in names:
            wanted |= Q(path__contains=f"/{plural}/{name}/") | Q(path__endswith=f"/{plural}/{name}")
        if ids:
            wanted |= Q(path__endswith=f"/{plural}", response_body__id__in=ids)
    return IdempotencyKey.objects.filter(wanted).delete()[0]
