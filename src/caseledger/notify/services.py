"""The writes of notify, each journaled: a person's notification preferences and marking
their notifications read; administrators' webhook subscriptions (created, changed, removed,
their secret rotated, a failed delivery sent again).

Deliveries themselves are not journal entries: the outbox row of each is the record (its
journal sequence names the entry it came from, its attempts and last answer are kept), and
a journal entry per HTTP attempt would grow the chain with retries of the same fact.
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict, NotFound, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers.services import resolve_department
from caseledger.journal.services import lock_head, record_change, write_transaction
from caseledger.notify.actions import NotifyAction
from caseledger.notify.events import EVENTS
from caseledger.notify.models import (
    Delivery,
    DeliveryState,
    Mode,
    Notification,
    Preference,
    Subscription,
)
from caseledger.notify.sending import check_url, seal

PREFERENCE_FIELDS = ("language", "mode", "digest_hour", "quiet_start", "quiet_end", "timezone")
WEBHOOK_FIELDS = ("name", "url", "events", "department", "is_active")


def preference_of(user: User) -> Preference:
    """The person's preferences, or the defaults (unsaved) when they never chose."""
    found = Preference.objects.filter(user=user).first()
    return found or Preference(user=user, updated_at=clock.now())


def _hour(c: Collector, data: Mapping[str, Any], field: str) -> int | None:
    return c.integer(data, field, minimum=0, maximum=23)


def preference_set(*, actor: User, data: Mapping[str, Any]) -> Preference:
    """Set the actor's own notification preferences (anyone may, for themselves only).
    Quiet hours are off when both ends are empty."""
    c = Collector()
    c.unknown(data, PREFERENCE_FIELDS)
    clean: dict[str, Any] = {}
    if "language" in data:
        codes = [code for code, _name in settings.LANGUAGES]
        clean["language"] = c.choice(data, "language", codes) or ""
    if "mode" in data:
        clean["mode"] = c.choice(data, "mode", Mode.values, required=True)
    if "digest_hour" in data:
        clean["digest_hour"] = _hour(c, data, "digest_hour")
        if clean["digest_hour"] is None and not c.errors:
            c.add("digest_hour", _("is required"), "required")
    for field in ("quiet_start", "quiet_end"):
        if field in data:
            clean[field] = _hour(c, data, field)
    if "timezone" in data:
        zone = c.text(data, "timezone", max_length=60) or ""
        if zone and zone not in zoneinfo.available_timezones():
            c.add("timezone", _("%(value)r is not a known time zone") % {"value": zone})
        clean["timezone"] = zone
    c.raise_if_any()
    with write_transaction():
        pref = Preference.objects.select_for_update().filter(user=actor).first()
        before = model_state(pref, exclude=("updated_at",)) if pref else None
        pref = pref or Preference(user=actor)
        for key, value in clean.items():
            setattr(pref, key, value)
        if (pref.quiet_start is None) != (pref.quiet_end is None):
            raise ValidationFailed(
                _("give both ends of the quiet hours, or neither"), field="quiet_start"
            )
        pref.updated_at = clock.now()
        pref.save()
        record_change(
            actor=actor,
            action=NotifyAction.PREFERENCE_SET,
            object_type="preference",
            object_id=str(pref.pk),
            root=f"user:{actor.pk}",
            after=model_state(pref, exclude=("updated_at",)),
            before=before,
        )
    return pref


def notifications_read(*, actor: User, ids: list[Any] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when no ids are given)."""
    wanted = None
    if ids is not None:
        try:
            wanted = sorted({int(i) for i in ids})
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(_("must be a list of whole numbers"), field="ids") from exc
    with write_transaction():
        qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
        if wanted is not None:
            qs = qs.filter(pk__in=wanted)
        marked = list(qs.order_by("pk").values_list("pk", flat=True))
        if not marked:
            return 0
        n = Notification.objects.filter(pk__in=marked).update(read_at=clock.now())
        record_change(
            actor=actor,
            action=NotifyAction.READ,
            object_type="user",
            object_id=str(actor.pk),
            after=None,
            extra={"notifications": marked},
        )
    return n


# ---- webhooks (administrators: settings.manage) -------------------------------------------


def webhook_state(sub: Subscription) -> dict[str, Any]:
    """The journaled state: whether a secret is set, never the secret or its ciphertext."""
    state = model_state(sub, exclude=("secret", "updated_at"))
    state["secret_set"] = bool(sub.secret)
    return state


def _webhook_clean(data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    c = Collector()
    c.unknown(data, WEBHOOK_FIELDS)
    clean: dict[str, Any] = {}
    if creating or "name" in data:
        clean["name"] = c.text(data, "name", required=True, max_length=80)
    if creating or "url" in data:
        url = c.text(data, "url", required=True, max_length=500)
        if url:
            try:
                check_url(url, resolve=settings.WEBHOOK_CHECK_ON_SAVE)
            except ValidationFailed as exc:
                c.add("url", exc.message, exc.code)
        clean["url"] = url
    if creating or "events" in data:
        events = data.get("events")
        if isinstance(events, str):
            events = [e.strip() for e in events.split(",") if e.strip()]
        if not isinstance(events, list | tuple) or not events:
            c.add("events", _("choose at least one of %(all)s") % {"all": ", ".join(EVENTS)})
        elif any(e not in EVENTS for e in events):
            wrong = ", ".join(str(e) for e in events if e not in EVENTS)
            c.add(
                "events",
                _("%(value)s: not an event; known: %(all)s")
                % {"value": wrong, "all": ", ".join(EVENTS)},
            )
        else:
            clean["events"] = sorted(set(events))
    if "department" in data:
        value = data.get("department")
        clean["department"] = resolve_department(value, c) if value not in (None, "") else None
    if "is_active" in data:
        if not isinstance(data["is_active"], bool):
            c.add("is_active", _("must be true or false"))
        clean["is_active"] = data["is_active"]
    c.raise_if_any()
    return clean


def webhook_create(*, actor: User | None, data: Mapping[str, Any]) -> tuple[Subscription, str]:
    """Subscribe a URL to events. Returns the subscription and its signing secret, shown
    this once (only its sealed form is kept)."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    clean = _webhook_clean(data, creating=True)
    secret = "whsec_" + secrets.token_urlsafe(32)
    now = clock.now()
    with write_transaction():
        sub = Subscription(public_id=secrets.token_hex(16), created_at=now, updated_at=now)
        for key, value in clean.items():
            setattr(sub, key, value)
        sub.from_seq = lock_head().seq
        sub.secret = seal(sub, secret)
        sub.save()
        record_change(
            actor=actor,
            action=NotifyAction.WEBHOOK_CREATE,
            object_type="webhook",
            object_id=str(sub.pk),
            after=webhook_state(sub),
            before=None,
        )
    return sub, secret


def _locked(sub: Subscription) -> Subscription:
    found = Subscription.objects.select_for_update().filter(pk=sub.pk).first()
    if found is None or found.removed_at is not None:
        raise NotFound(_("no such webhook"), field="webhook")
    return found


def webhook_update(
    *, actor: User | None, subscription: Subscription, data: Mapping[str, Any]
) -> Subscription:
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    clean = _webhook_clean(data, creating=False)
    with write_transaction():
        sub = _locked(subscription)
        before = webhook_state(sub)
        for key, value in clean.items():
            setattr(sub, key, value)
        after = webhook_state(sub)
        if after == before:
            return sub
        sub.updated_at = clock.now()
        sub.save()
        record_change(
            actor=actor,
            action=NotifyAction.WEBHOOK_UPDATE,
            object_type="webhook",
            object_id=str(sub.pk),
            after=after,
            before=before,
        )
    return sub


def webhook_remove(
    *, actor: User | None, subscription: Subscription, reason: str = ""
) -> Subscription:
    """Stop a subscription for good; its deliveries and their answers stay readable."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    with write_transaction():
        sub = _locked(subscription)
        before = webhook_state(sub)
        sub.removed_at = sub.updated_at = clock.now()
        sub.is_active = False
        sub.save(update_fields=["removed_at", "is_active", "updated_at"])
        cancelled = Delivery.objects.filter(subscription=sub, state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, last_error="subscription removed"
        )
        record_change(
            actor=actor,
            action=NotifyAction.WEBHOOK_REMOVE,
            object_type="webhook",
            object_id=str(sub.pk),
            after=webhook_state(sub),
            before=before,
            reason=reason,
            extra={"pending_cancelled": cancelled},
        )
    return sub


def webhook_secret_rotate(*, actor: User | None, subscription: Subscription) -> str:
    """A new signing secret, shown this once; the old one stops signing at once."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    secret = "whsec_" + secrets.token_urlsafe(32)
    with write_transaction():
        sub = _locked(subscription)
        sub.secret = seal(sub, secret)
        sub.updated_at = clock.now()
        sub.save(update_fields=["secret", "updated_at"])
        record_change(
            actor=actor,
            action=NotifyAction.WEBHOOK_SECRET_ROTATE,
            object_type="webhook",
            object_id=str(sub.pk),
            after=webhook_state(sub),
            changes={"secret": ["(sealed)", "(sealed)"]},
        )
    return secret


def webhook_redeliver(*, actor: User | None, delivery: Delivery) -> Delivery:
    """Send a failed (given up) or delivered delivery again, from the first attempt."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    with write_transaction():
        found = Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
        if found is None:
            raise NotFound(_("no such delivery"), field="delivery")
        if found.state == DeliveryState.PENDING:
            raise Conflict(_("this delivery is still being tried"), field="delivery")
        _locked(found.subscription)
        now = clock.now()
        Delivery.objects.filter(pk=found.pk).update(
            state=DeliveryState.PENDING, attempts=0, next_attempt_at=now, claimed_until=None
        )
        record_change(
            actor=actor,
            action=NotifyAction.WEBHOOK_REDELIVER,
            object_type="webhook",
            object_id=str(found.subscription_id),
            after={"delivery": found.public_id, "event": found.event, "seq": found.seq},
        )
    found.refresh_from_db()
    return found
