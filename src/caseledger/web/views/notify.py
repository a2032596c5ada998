"""The inbox (a person's notifications, mark read, their e-mail preferences) and the
administrators' webhook pages. Thin: parse, call one service or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from caseledger.core.errors import Conflict, NotFound, ValidationFailed
from caseledger.notify import follow, queries, services
from caseledger.notify.events import EVENTS
from caseledger.notify.models import Mode
from caseledger.web.viewing import AuthedRequest, page_of, web_view


@web_view
def inbox(request: AuthedRequest) -> HttpResponseBase:
    if request.method == "POST":
        ids = request.POST.getlist("id") or None
        try:
            n = services.notifications_read(actor=request.user, ids=ids)
            messages.success(request, _("%(n)s notification(s) marked read.") % {"n": n})
        except ValidationFailed as exc:
            messages.error(request, exc.shown())
        return redirect("web:inbox")
    follow.follow_if_close()
    unread = request.GET.get("unread") == "1"
    rows = queries.my_notifications(actor=request.user, unread=unread)
    return render(
        request, "web/notify/inbox.html", {"page": page_of(request, rows), "unread": unread}
    )


@web_view
def inbox_settings(request: AuthedRequest) -> HttpResponseBase:
    if request.method == "POST":
        post = request.POST
        data: dict[str, str | None] = {
            key: post.get(key, "") for key in services.PREFERENCE_FIELDS if key in post
        }
        for key in ("quiet_start", "quiet_end"):
            if key in data and data[key] == "":
                data[key] = None
        try:
            services.preference_set(actor=request.user, data=data)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("web:inbox_settings")
        except ValidationFailed as exc:
            messages.error(request, exc.shown())
    from django.conf import settings

    return render(
        request,
        "web/notify/settings.html",
        {
            "pref": services.preference_of(request.user),
            "modes": Mode.choices,
            "hours": range(24),
            "language_choices": settings.LANGUAGES,
        },
    )


def _webhook_data(post) -> dict:
    data = {
        "name": post.get("name", ""),
        "url": post.get("url", ""),
        "events": post.getlist("events"),
        "department": post.get("department", "") or None,
    }
    if "is_active" in post or "update" in post:
        data["is_active"] = post.get("is_active") == "on"
    return data


@web_view
def webhooks(request: AuthedRequest) -> HttpResponseBase:
    subs = queries.webhook_list(actor=request.user)
    secret = None
    if request.method == "POST":
        try:
            data = _webhook_data(request.POST)
            data.pop("is_active", None)
            sub, secret = services.webhook_create(actor=request.user, data=data)
            messages.success(request, _("Webhook %(name)s added.") % {"name": sub.name})
        except ValidationFailed as exc:
            messages.error(request, exc.shown())
    return render(
        request,
        "web/notify/webhooks.html",
        {"subs": page_of(request, subs), "events": EVENTS, "secret": secret, "post": request.POST},
    )


@web_view
def webhook_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    sub = queries.webhook_get(actor=request.user, webhook_id=pk)
    secret = None
    if request.method == "POST":
        verb = request.POST.get("verb", "")
        try:
            if verb == "update":
                services.webhook_update(
                    actor=request.user, subscription=sub, data=_webhook_data(request.POST)
                )
                messages.success(request, _("Webhook saved."))
            elif verb == "rotate":
                secret = services.webhook_secret_rotate(actor=request.user, subscription=sub)
                messages.success(request, _("A new secret signs this webhook's deliveries."))
            elif verb == "remove":
                services.webhook_remove(
                    actor=request.user, subscription=sub, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Webhook removed."))
                return redirect("web:webhooks")
            elif verb == "redeliver":
                delivery = queries.delivery_get(
                    actor=request.user, delivery_id=request.POST.get("delivery", "")
                )
                services.webhook_redeliver(actor=request.user, delivery=delivery)
                messages.success(request, _("The delivery will be sent again."))
            else:
                messages.error(request, _("Unknown action."))
        except (ValidationFailed, Conflict, NotFound) as exc:
            messages.error(request, exc.shown())
        if secret is None:
            return redirect("web:webhook_detail", pk=pk)
        sub = queries.webhook_get(actor=request.user, webhook_id=pk)
    deliveries = queries.delivery_list(actor=request.user, subscription=sub)
    return render(
        request,
        "web/notify/webhook.html",
        {"sub": sub, "events": EVENTS, "page": page_of(request, deliveries), "secret": secret},
    )
