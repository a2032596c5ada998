from __future__ import annotations

from django import template

from caseledger.notify.queries import unread_count
from caseledger.notify.words import line_of

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    return unread_count(user)


@register.filter
def notification_line(notification) -> str:
    return line_of(notification)
