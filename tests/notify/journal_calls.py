"""The notify services for tests/test_every_service_journals.py."""

from __future__ import annotations


def notify_calls(people, case) -> dict:
    from django.test import override_settings

    from caseledger.notify import services
    from caseledger.notify.models import Delivery, DeliveryState

    made: dict = {}

    def webhook(key: str = "sub"):
        if key not in made:
            with override_settings(WEBHOOK_CHECK_ON_SAVE=False):  # no DNS in tests
                made[key], _secret = services.webhook_create(
                    actor=people.admin,
                    data={
                        "name": key,
                        "url": "https://crm.example.com/h",
                        "events": ["case.created"],
                    },
                )
        return made[key]

    def redeliver():
        from caseledger.core import clock

        sub = webhook()
        now = clock.now()
        delivery = Delivery.objects.create(
            subscription=sub, public_id="probe-1", seq=1, event="case.created", body="{}",
            state=DeliveryState.FAILED, next_attempt_at=now, created_at=now,
        )  # fmt: skip
        return services.webhook_redeliver(actor=people.admin, delivery=delivery)

    def read():
        from caseledger.core import clock
        from caseledger.notify.models import Notification

        Notification.objects.create(
            recipient=people.agent, kind="assigned", seq=1, case=case,
            reference=case.reference, created_at=clock.now(),
        )  # fmt: skip
        return services.notifications_read(actor=people.agent)

    return {
        "caseledger.notify.services.preference_set": lambda: services.preference_set(
            actor=people.agent, data={"mode": "digest", "digest_hour": 17}
        ),
        "caseledger.notify.services.notifications_read": read,
        "caseledger.notify.services.webhook_create": webhook,
        "caseledger.notify.services.webhook_update": lambda: services.webhook_update(
            actor=people.admin, subscription=webhook(), data={"name": "CRM"}
        ),
        "caseledger.notify.services.webhook_secret_rotate": lambda: services.webhook_secret_rotate(
            actor=people.admin, subscription=webhook()
        ),
        "caseledger.notify.services.webhook_redeliver": redeliver,
        "caseledger.notify.services.webhook_remove": lambda: services.webhook_remove(
            actor=people.admin, subscription=webhook("gone"), reason="retired"
        ),
    }
