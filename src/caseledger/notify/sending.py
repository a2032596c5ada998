"""Sending the webhook outbox. Dangerous module: it talks to the outside world with a
secret, and a bug here sends twice, never, or to an address inside the network.

Guarantees:
- A delivery is claimed by an atomic update whose row count proves the claim (two workers
  never send the same attempt); the request goes out with no transaction open; the result
  is written after. A worker killed mid-send leaves the claim to expire and the delivery is
  tried again (receivers deduplicate on `X-Caseledger-Delivery`).
- Each attempt is signed afresh: `X-Caseledger-Signature: v1=<hex HMAC-SHA256(secret,
  "<timestamp>.<body>")>` with `X-Caseledger-Timestamp: <unix seconds>`.
- A failure (no connection, timeout, a status outside 2xx) is retried after
  WEBHOOK_BACKOFF_SECONDS × 2^(attempt-1), at most WEBHOOK_BACKOFF_MAX_SECONDS, until
  WEBHOOK_MAX_ATTEMPTS; then the delivery is `failed` until an administrator redelivers it.
- The address is resolved and every answer checked before connecting, and the connection
  goes to the checked address (no second lookup a DNS rebinding could change): loopback,
  private, link-local, multicast and reserved addresses are refused unless
  CASELEDGER_WEBHOOK_ALLOW_PRIVATE is set (tests and single-host installs).
- Redirects are not followed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from caseledger.core import clock
from caseledger.core.errors import ValidationFailed
from caseledger.core.logging import get_logger
from caseledger.notify.models import Delivery, DeliveryState, Subscription
from caseledger.vault import crypto

log = get_logger("caseledger.webhooks")

HEADER_EVENT = "X-Caseledger-Event"
HEADER_DELIVERY = "X-Caseledger-Delivery"
HEADER_TIMESTAMP = "X-Caseledger-Timestamp"
HEADER_SIGNATURE = "X-Caseledger-Signature"
USER_AGENT = "caseledger-webhooks/1"


def seal(subscription: Subscription, secret: str) -> str:
    return crypto.encrypt(
        secret, record="webhook", field="secret", owner=f"webhook:{subscription.public_id}"
    )


def unseal(subscription: Subscription) -> str:
    return crypto.decrypt(
        subscription.secret,
        record="webhook",
        field="secret",
        owner=f"webhook:{subscription.public_id}",
    )


def signature(secret: str, timestamp: int, body: str) -> str:
    """`v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the secret."""
    signed = f"{timestamp}.{body}".encode()
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: str, header: str, *, tolerance: int = 300) -> bool:
    """What a receiver does (and the docs show): the signature matches and the timestamp is
    within `tolerance` seconds of now."""
    try:
        when = int(timestamp)
    except ValueError:
        return False
    if abs(clock.now().timestamp() - when) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, when, body), header)


def _refused_address(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    return not address.is_global or address.is_multicast


def check_url(url: str, *, resolve: bool = False) -> list[str]:
    """Refuse what is not an http(s) URL with a host, and (with `resolve`) a host whose
    addresses are not all public; the checked addresses, for the connection to use."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:  # "http://[::1" and the like
        raise ValidationFailed(_("must be an http:// or https:// address"), field="url") from exc
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in url):
        raise ValidationFailed(_("must be an http:// or https:// address"), field="url")
    if parts.username or parts.password:
        raise ValidationFailed(_("must not carry a user name or password"), field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationFailed(_("has an invalid port"), field="url") from exc
    if not resolve:
        return []
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ValidationFailed(
            _("the host %(host)s cannot be resolved") % {"host": parts.hostname}, field="url"
        ) from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    if not settings.WEBHOOK_ALLOW_PRIVATE and any(_refused_address(a) for a in addresses):
        raise ValidationFailed(
            _("%(host)s is a private or local address; webhooks go to public addresses only")
            % {"host": parts.hostname},
            field="url",
        )
    return addresses


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: str
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Pinned(http.client.HTTPSConnection):
    """HTTPS to the address already checked, with the certificate checked for the host."""

    def __init__(self, host: str, address: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: str, headers: dict[str, str]) -> Answer:
    """One POST, no redirects followed; never raises for the receiver's faults."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        address = check_url(url, resolve=True)[0]
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = _Pinned(parts.hostname or "", address, port=parts.port, timeout=timeout)
        else:
            conn = http.client.HTTPConnection(address, port=parts.port or 80, timeout=timeout)
        try:
            conn.request("POST", path, body=body.encode(), headers=headers)
            response = conn.getresponse()
            text = response.read(2000).decode("utf-8", "replace")
            return Answer(response.status, text[:500], "")
        finally:
            conn.close()
    except ValidationFailed as exc:
        return Answer(None, "", str(exc)[:300])
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, "", f"{type(exc).__name__}: {exc}"[:300])


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: doubling, capped."""
    seconds = settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.WEBHOOK_BACKOFF_MAX_SECONDS))


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    until = now + dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    return bool(
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=until)
    )


def _headers(delivery: Delivery, secret: str) -> dict[str, str]:
    stamp = int(clock.now().timestamp())
    host = urlsplit(delivery.subscription.url)
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Host": host.netloc.rsplit("@", 1)[-1],
        HEADER_EVENT: delivery.event,
        HEADER_DELIVERY: delivery.public_id,
        HEADER_TIMESTAMP: str(stamp),
        HEADER_SIGNATURE: signature(secret, stamp, delivery.body),
    }


def attempt(delivery: Delivery) -> Answer:
    """Send one claimed delivery and record the answer (a derived row: the outbox)."""
    sub = delivery.subscription
    if not sub.is_active or sub.removed_at is not None:
        answer = Answer(None, "", "subscription inactive")
    else:
        try:
            secret = unseal(sub)
        except Exception as exc:  # altered, or its key is gone from the ring: rotate the secret
            log.warning("webhook.unseal_failed", webhook=sub.pk, error=type(exc).__name__)
            secret = None
        answer = (
            post(sub.url, delivery.body, _headers(delivery, secret))
            if secret is not None
            else Answer(None, "", "the signing secret cannot be unsealed; rotate it")
        )
    now = clock.now()
    attempts = delivery.attempts + 1
    if answer.ok:
        state, next_at = DeliveryState.DELIVERED, now
    elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        state, next_at = DeliveryState.FAILED, now
    else:
        state, next_at = DeliveryState.PENDING, now + backoff(attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state,
        attempts=attempts,
        next_attempt_at=next_at,
        claimed_until=None,
        last_attempt_at=now,
        last_status=answer.status,
        last_response=answer.body,
        last_error=answer.error,
    )
    log.info("webhook.attempt", delivery=delivery.public_id, status=answer.status, state=str(state))
    return answer


def deliver_due(*, limit: int = 200) -> dict[str, int]:
    """Send every pending delivery whose time has come, oldest first."""
    now = clock.now()
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0}
    for pk in due:
        if not _claim(pk, now):
            continue
        delivery = Delivery.objects.select_related("subscription").get(pk=pk)
        answer = attempt(delivery)
        counts["sent" if answer.ok else "failed"] += 1
    return counts
