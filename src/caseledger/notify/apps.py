from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """Notifications and webhooks. On floor 13 beside insights: it reads what cases,
    accounts and workflow (the clock sweep's entries) journal, and nothing below sets it
    going: it follows the journal from the worker."""

    name = "caseledger.notify"
    label = "notify"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caseledger.core import erasure, hooks
        from caseledger.core.health import register_probe
        from caseledger.notify.erasure import on_erasure
        from caseledger.notify.health import notify_probe
        from caseledger.notify.rotation import webhook_secret_holder
        from caseledger.vault.holders import KEY_HOLDERS

        register_probe("notify", notify_probe, order=45)
        erasure.register("notify", on_erasure)
        hooks.register(KEY_HOLDERS, webhook_secret_holder)
