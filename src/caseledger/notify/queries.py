"""Reads of notify, scoped: a person's own notifications; webhooks for administrators."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.notify.models import Delivery, Notification, Subscription

M = TypeVar("M", bound=Model)


def my_notifications(*, actor: User, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=actor)
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def webhook_list(*, actor: User, removed: bool = False) -> QuerySet[Subscription]:
    require(actor, Perm.SETTINGS_MANAGE)
    qs = Subscription.objects.select_related("department")
    return qs if removed else qs.filter(removed_at__isnull=True)


def _numbered(rows: QuerySet[M], key: object, missing: str, field: str) -> M:
    """The row numbered `key` (as typed: "12", 12; anything else finds nothing), or
    NotFound with `missing` on `field`."""
    try:
        pk = int(str(key))
    except ValueError:
        pk = 0
    found = rows.filter(pk=pk).first()
    if found is None:
        raise NotFound(missing, field=field)
    return found


def webhook_get(*, actor: User, webhook_id: object) -> Subscription:
    require(actor, Perm.SETTINGS_MANAGE)
    rows = Subscription.objects.select_related("department")
    return _numbered(rows, webhook_id, _("no such webhook"), "webhook")


def delivery_list(*, actor: User, subscription: Subscription) -> QuerySet[Delivery]:
    require(actor, Perm.SETTINGS_MANAGE)
    return Delivery.objects.filter(subscription=subscription)


def delivery_get(*, actor: User, delivery_id: object) -> Delivery:
    require(actor, Perm.SETTINGS_MANAGE)
    rows = Delivery.objects.select_related("subscription")
    return _numbered(rows, delivery_id, _("no such delivery"), "delivery")


def language_of(user: User) -> str:
    """The language a person reads their mail in: their preference, else the site's."""
    from django.conf import settings

    from caseledger.notify.models import Preference

    chosen = Preference.objects.filter(user=user).values_list("language", flat=True).first()
    return chosen or settings.LANGUAGE_CODE
