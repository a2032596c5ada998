"""Notifications, each person's delivery preferences, webhook subscriptions and their outbox.

`Notification` and `Delivery` rows are derived from the journal (notify.follow) and carry
no case content: ids, the case reference, status, category, department, who acted. Their
words are put together when shown or mailed, in the reader's language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    MENTION = "mention", _("Mentioned in a note")
    DUE_SOON = "due_soon", _("Clock due soon")
    BREACH = "breach", _("Clock breached")
    ESCALATED = "escalated", _("Escalated to you")
    IMPORTED = "imported", _("Cases given to you by an import")


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("Each notification at once")
    DIGEST = "digest", _("One daily digest")
    OFF = "off", _("No e-mail (inbox only)")


class Preference(models.Model):
    """How one person wants their notifications: language, e-mail now or a daily digest at
    a local hour, and quiet hours (local) in which no mail goes out. Without a row: the
    site's language, e-mail at once, quiet from 22:00 to 08:00."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="notify_preference"
    )
    language = models.CharField(max_length=10, blank=True)  # "": the site's LANGUAGE_CODE
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)
    digest_hour = models.PositiveSmallIntegerField(default=9)
    quiet_start = models.PositiveSmallIntegerField(null=True, blank=True, default=22)
    quiet_end = models.PositiveSmallIntegerField(null=True, blank=True, default=8)
    timezone = models.CharField(max_length=60, blank=True)  # "": CASELEDGER_TIME_ZONE
    updated_at = models.DateTimeField()


class Notification(models.Model):
    """One thing one person should know, from one journal entry. The unique key makes the
    journal follower idempotent: replaying an entry adds nothing."""

    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    seq = models.BigIntegerField()  # the journal entry it came from
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(max_length=20, blank=True)
    by = models.CharField(max_length=150, blank=True)  # who assigned, mentioned, escalated
    clock = models.CharField(max_length=80, blank=True)  # the clock of a clock notice
    # An import's assignments come as one notification per person and batch of entries,
    # not one per case (a 100k-row import would bury the inbox and the mailbox).
    count = models.PositiveIntegerField(default=1)
    last_seq = models.BigIntegerField(null=True, blank=True)  # an "imported" one: seq..last_seq
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # or decided not to mail
    mail_skipped = models.CharField(max_length=20, blank=True)  # why no mail went out

    class Meta:
        ordering = ["-seq", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seq", "recipient", "kind"], name="notification_once")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["emailed_at", "recipient"], name="notification_unmailed"),
        ]


class FollowState(models.Model):
    """The last journal sequence the follower consumed (one row, like search's)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)


class Subscription(models.Model):
    """An outside system's URL and the events it wants. The secret signing each delivery is
    sealed by the vault (AES-GCM, owner `webhook:<public_id>`), shown once when made."""

    public_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=80)
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secret = models.TextField()  # sealed
    is_active = models.BooleanField(default=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    from_seq = models.BigIntegerField(default=0)  # events after this journal sequence
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")


class Delivery(models.Model):
    """The durable outbox: one event for one subscription, its exact body (signed again at
    each attempt with a fresh timestamp), attempts and the last response."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    public_id = models.CharField(max_length=40, unique=True)
    seq = models.BigIntegerField()
    event = models.CharField(max_length=40)
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-seq", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "seq", "event"], name="webhook_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]
