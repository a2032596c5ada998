"""Record content hashes, the same way in the live process and in a restored copy's probe."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps

# The records a drill samples, by the journal object type that tracks their changes.
SAMPLED = {
    "case": "cases.Case",
    "customer": "customers.Customer",
    "user": "accounts.User",
    "department": "accounts.Department",
    "journal_entry": "journal.Entry",
}


def content_hashes(kind: str, ids: list[Any]) -> dict[str, str]:
    model = apps.get_model(SAMPLED[kind])
    found = {}
    for row in model._default_manager.filter(pk__in=ids).values():
        text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
        found[str(row[model._meta.pk.attname])] = hashlib.sha256(text.encode()).hexdigest()
    return found
