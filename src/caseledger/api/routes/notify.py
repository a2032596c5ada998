"""Notifications (the caller's own: any token) and webhooks (administrators: settings.manage,
token scope `webhooks:write`). Each endpoint parses, calls one service or query, renders."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut, Id
from caseledger.notify import follow, queries, services
from caseledger.notify.models import Delivery, Subscription
from caseledger.notify.words import line_of

router = Router(tags=["notifications"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
Hour = Annotated[int, Field(ge=0, le=23, strict=True)]
ADMIN = "Needs settings.manage (administrators; token scope `webhooks:write`)."


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    case_id: int | None
    reference: str
    by: str
    clock: str
    count: int  # cases an "imported" notification counts (1 for every other kind)
    created_at: dt.datetime
    read_at: dt.datetime | None


class ReadIn(Schema):
    model_config = ConfigDict(extra="forbid")
    ids: list[Id] | None = None


class ReadOut(Schema):
    marked: int


class PreferenceIO(Schema):
    model_config = ConfigDict(extra="forbid")
    language: str | None = None
    mode: str | None = None
    digest_hour: Hour | None = None
    quiet_start: Hour | None = None
    quiet_end: Hour | None = None
    timezone: str | None = None


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    department: str | None
    is_active: bool
    created_at: dt.datetime
    removed_at: dt.datetime | None
    secret: str | None = None  # only in the answer that made (or rotated) it


class WebhookIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    url: str
    events: list[str]
    department: str | None = None


class WebhookPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    url: str | None = None
    events: list[str] | None = None
    department: str | None = None
    is_active: Annotated[bool, Field(strict=True)] | None = None


class DeliveryOut(Schema):
    id: int
    delivery: str
    event: str
    journal_seq: int
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_status: int | None
    last_response: str
    last_error: str


def _note(n) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "text": line_of(n),
        "case_id": n.case_id,
        "reference": n.reference,
        "by": n.by,
        "clock": n.clock,
        "count": n.count,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


def _hook(sub: Subscription, secret: str | None = None) -> dict[str, Any]:
    return {
        "id": sub.pk,
        "name": sub.name,
        "url": sub.url,
        "events": sub.events,
        "department": sub.department.code if sub.department else None,
        "is_active": sub.is_active,
        "created_at": sub.created_at,
        "removed_at": sub.removed_at,
        "secret": secret,
    }


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "delivery": d.public_id,
        "event": d.event,
        "journal_seq": d.seq,
        "state": d.state,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at if d.state == "pending" else None,
        "last_attempt_at": d.last_attempt_at,
        "last_status": d.last_status,
        "last_response": d.last_response,
        "last_error": d.last_error,
    }


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS},
            description="The caller's notifications, newest first (`unread=true`: unread only).")  # fmt: skip
def list_notifications(request: HttpRequest, unread: bool = False, limit: int = 50) -> Any:
    follow.follow_if_close()
    rows = queries.my_notifications(actor=actor(request), unread=unread)
    return [_note(n) for n in rows[: max(1, min(limit, 200))]]


@router.post("/notifications/read", response={200: ReadOut, **ERRORS},
             description="Mark the caller's notifications read (`ids`; none: all). Journaled.")  # fmt: skip
def read_notifications(request: HttpRequest, payload: ReadIn) -> Any:
    return {"marked": services.notifications_read(actor=actor(request), ids=payload.ids)}


@router.get("/notifications/preferences", response={200: PreferenceIO, **ERRORS})
def get_preferences(request: HttpRequest) -> Any:
    pref = services.preference_of(actor(request))
    return {k: getattr(pref, k) for k in services.PREFERENCE_FIELDS}


@router.put("/notifications/preferences", response={200: PreferenceIO, **ERRORS},
            description="Language, e-mail mode (immediate, digest, off), digest hour, quiet "
            "hours and time zone of the caller. Fields left out stay. Journaled.")  # fmt: skip
def put_preferences(request: HttpRequest, payload: PreferenceIO) -> Any:
    data = payload.model_dump(exclude_unset=True)
    pref = services.preference_set(actor=actor(request), data=data)
    return {k: getattr(pref, k) for k in services.PREFERENCE_FIELDS}


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS}, description=ADMIN)
def list_webhooks(request: HttpRequest) -> Any:
    return [_hook(s) for s in queries.webhook_list(actor=actor(request))]


@router.post("/webhooks", response={201: WebhookOut, **ERRORS},
             description=ADMIN + " The answer carries the signing secret, this once. Journaled.")  # fmt: skip
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Any:
    sub, secret = services.webhook_create(actor=actor(request), data=payload.model_dump())
    return Status(201, _hook(sub, secret))


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS}, description=ADMIN)
def get_webhook(request: HttpRequest, webhook_id: str) -> Any:
    return _hook(queries.webhook_get(actor=actor(request), webhook_id=webhook_id))


@router.patch("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS},
              description=ADMIN + " Journaled.")  # fmt: skip
def patch_webhook(request: HttpRequest, webhook_id: str, payload: WebhookPatch) -> Any:
    user = actor(request)
    sub = queries.webhook_get(actor=user, webhook_id=webhook_id)
    data = payload.model_dump(exclude_unset=True)
    return _hook(services.webhook_update(actor=user, subscription=sub, data=data))


@router.delete("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS},
               description=ADMIN + " Pending deliveries are cancelled. Journaled.")  # fmt: skip
def delete_webhook(request: HttpRequest, webhook_id: str, reason: str = "") -> Any:
    user = actor(request)
    sub = queries.webhook_get(actor=user, webhook_id=webhook_id)
    return _hook(services.webhook_remove(actor=user, subscription=sub, reason=reason))


@router.post("/webhooks/{webhook_id}/secret", response={200: WebhookOut, **ERRORS},
             description=ADMIN + " A new signing secret, in this answer only. Journaled.")  # fmt: skip
def rotate_secret(request: HttpRequest, webhook_id: str) -> Any:
    user = actor(request)
    sub = queries.webhook_get(actor=user, webhook_id=webhook_id)
    secret = services.webhook_secret_rotate(actor=user, subscription=sub)
    return _hook(sub, secret)


@router.get("/webhooks/{webhook_id}/deliveries", response={200: list[DeliveryOut], **ERRORS},
            description=ADMIN + " Newest first, with the last response of each.")  # fmt: skip
def list_deliveries(request: HttpRequest, webhook_id: str, limit: int = 50) -> Any:
    user = actor(request)
    sub = queries.webhook_get(actor=user, webhook_id=webhook_id)
    rows = queries.delivery_list(actor=user, subscription=sub)
    return [_delivery(d) for d in rows[: max(1, min(limit, 200))]]


@router.post("/webhooks/deliveries/{delivery_id}/redeliver", response={200: DeliveryOut, **ERRORS},
             description=ADMIN + " Send a delivered or given-up delivery again. Journaled.")  # fmt: skip
def redeliver(request: HttpRequest, delivery_id: str) -> Any:
    user = actor(request)
    delivery = queries.delivery_get(actor=user, delivery_id=delivery_id)
    return _delivery(services.webhook_redeliver(actor=user, delivery=delivery))
