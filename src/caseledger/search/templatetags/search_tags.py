"""The navigation's saved searches: each one's name and the query string that reruns it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

from caseledger.search.models import SavedSearch

register = template.Library()
SHOWN = 20


@register.simple_tag
def saved_searches(user: Any) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    rows = SavedSearch.objects.filter(owner=user).order_by("name")[:SHOWN]
    return [
        {"name": s.name, "query": urlencode({"q": s.q, "order": s.order, **s.filters})}
        for s in rows
    ]
