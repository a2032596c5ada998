"""The journal actions notify writes: the `action` of its entries, one name each."""

from enum import StrEnum


class NotifyAction(StrEnum):
    PREFERENCE_SET = "notify.preference_set"
    READ = "notify.read"
    WEBHOOK_CREATE = "webhook.create"
    WEBHOOK_UPDATE = "webhook.update"
    WEBHOOK_REMOVE = "webhook.remove"
    WEBHOOK_SECRET_ROTATE = "webhook.secret_rotate"  # noqa: S105  (an action name)
    WEBHOOK_REDELIVER = "webhook.redeliver"
    WEBHOOK_REENCRYPT = "webhook.reencrypt"
