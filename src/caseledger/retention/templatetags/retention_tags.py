"""The nav's reminder badge."""

from __future__ import annotations

from typing import Any

from django import template

from caseledger.retention.reminders import unread_count

register = template.Library()


@register.simple_tag
def unread_reminders(user: Any) -> int:
    return unread_count(user)
