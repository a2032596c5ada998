"""notify's /healthz check (registered in apps.py): how far notifications and the webhook
outbox lag the journal, and how many deliveries wait or gave up (those are the receivers'
trouble, shown, not failing the check)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def notify_probe() -> dict[str, Any]:
    try:
        from caseledger.core import clock
        from caseledger.journal.models import Entry
        from caseledger.notify.follow import lag
        from caseledger.notify.models import Delivery, DeliveryState

        found = lag()
        seconds = 0.0
        if found["entries"] > 0:
            oldest = (
                Entry.objects.filter(seq=found["followed_seq"] + 1)
                .values_list("at", flat=True)
                .first()
            )
            seconds = round((clock.now() - oldest).total_seconds(), 1) if oldest else 0.0
        pending = Delivery.objects.filter(state=DeliveryState.PENDING).count()
        failed = Delivery.objects.filter(state=DeliveryState.FAILED).count()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    limit = settings.NOTIFY_MAX_LAG_SECONDS
    return {
        "ok": seconds <= limit,
        **found,
        "seconds": seconds,
        "max_lag_seconds": limit,
        "webhooks_pending": pending,
        "webhooks_failed": failed,
    }
