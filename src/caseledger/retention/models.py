"""Legal holds, retention schedules (versioned) and each record's computed deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caseledger.cases.models import Case
from caseledger.customers.models import Customer


class HoldScope(models.TextChoices):
    CASES = "cases", _("Named cases")
    CUSTOMERS = "customers", _("Named customers and all their cases")
    FILTER = "filter", _("Every case matching a filter")


class LegalHold(models.Model):
    """Freezes records for a legal matter until released. Never deleted: a release is
    recorded on the row (and journaled), so the history of holds stays readable."""

    matter = models.CharField(max_length=200)
    reason = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_holds"
    )
    scope = models.CharField(max_length=16, choices=HoldScope.choices)
    cases = models.ManyToManyField(Case, blank=True, related_name="legal_holds")
    customers = models.ManyToManyField(Customer, blank=True, related_name="legal_holds")
    # A saved case filter, re-evaluated at every check, so cases recorded later that match
    # it are held too (retention.holds.filter_q).
    case_filter = models.JSONField(default=dict, blank=True)
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["released_at", "scope"], name="hold_active_scope")]

    def __str__(self) -> str:
        return self.matter

    @property
    def active(self) -> bool:
        return self.released_at is None


class RecordKind(models.TextChoices):
    CASE = "case", _("Case")
    CUSTOMER = "customer", _("Customer")
    ATTACHMENT = "attachment", _("Attachment")


class Trigger(models.TextChoices):
    CREATED = "created", _("Created or received")
    CASE_CLOSED = "case_closed", _("Case closed")
    RELATIONSHIP_ENDED = "relationship_ended", _("Relationship ended")
    CONTRACT_END = "contract_end", _("Contract end")
    WARRANTY_END = "warranty_end", _("Warranty end")
    LAST_ACTIVITY = "last_activity", _("Last activity")


class Action(models.TextChoices):
    DESTROY = "destroy", _("Destroy")
    ANONYMIZE = "anonymize", _("Anonymize")
    REVIEW = "review", _("Review")


class ScheduleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NEEDS_CONFIRMATION = "needs_confirmation", _("Needs confirmation")
    RETIRED = "retired", _("Retired")


class RetentionSchedule(models.Model):
    """One version of a schedule. An edit adds a row with version + 1 under the same code
    and marks the old one not current; deadlines name the version they were computed from."""

    code = models.SlugField(max_length=80)
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    name = models.CharField(max_length=200)
    record_kind = models.CharField(max_length=16, choices=RecordKind.choices)
    # What it applies to; an empty value matches everything.
    industry = models.CharField(max_length=30, blank=True)
    case_kind = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=40, blank=True)
    risk_class = models.CharField(max_length=10, blank=True)  # the case's severity
    tags = models.JSONField(default=list, blank=True)  # all must be on the customer
    period_years = models.PositiveSmallIntegerField(default=0)
    period_months = models.PositiveSmallIntegerField(default=0)
    period_days = models.PositiveSmallIntegerField(default=0)
    triggers = models.JSONField(default=list)  # several: the latest of them starts the clock
    action = models.CharField(max_length=16, choices=Action.choices)
    legal_source = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_review_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ScheduleStatus.choices, default=ScheduleStatus.ACTIVE
    )
    preset = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="schedule_code_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(is_current=True),
                name="schedule_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def period_text(self) -> str:
        parts = [
            f"{n}{unit}"
            for n, unit in (
                (self.period_years, "y"),
                (self.period_months, "m"),
                (self.period_days, "d"),
            )
            if n
        ]
        return " ".join(parts) or "0d"


class LifecycleState(models.TextChoices):
    ACTIVE = "active", _("Active")
    PENDING = "pending", _("Waiting for its trigger")
    DUE_SOON = "due_soon", _("Due soon")
    DUE = "due", _("Due")
    IN_REVIEW = "in_review", _("In disposition review")
    HELD = "held", _("Held")
    ARCHIVED = "archived", _("Archived")
    RESTRICTED = "restricted", _("Restricted")
    DISPOSED = "disposed", _("Disposed")
    UNSCHEDULED = "unscheduled", _("Unscheduled")


class RecordRetention(models.Model):
    """A record's computed deadline. Derived data: retention_recompute rewrites it from the
    schedules and the record; nothing else writes here."""

    record_type = models.CharField(max_length=16)  # case | customer
    record_id = models.PositiveBigIntegerField()
    schedule = models.ForeignKey(
        RetentionSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    schedule_version = models.PositiveIntegerField(null=True, blank=True)
    trigger_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=LifecycleState.choices)
    computed_at = models.DateTimeField()
    # Set when a completed privacy deletion request found no legal period running: not
    # derived, so the recompute keeps it, and an unscheduled record falls due that day.
    erasure_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="retention_record")
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="retention_state_due")]


class Reminder(models.Model):
    """One person told that one record falls due on one date (retention.reminders). The
    unique key makes the daily job idempotent; `emailed_at` stays empty until the email
    that lists it went out, so a failed send is retried and a sent one never repeated."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retention_reminders"
    )
    record_type = models.CharField(max_length=16)  # case | customer
    record_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=200)  # the case reference or "customer 12"
    due_on = models.DateField()
    schedule = models.ForeignKey(
        RetentionSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "record_type", "record_id", "due_on"],
                name="reminder_once_per_due_date",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="reminder_unread")]

    def __str__(self) -> str:
        return f"{self.label} due {self.due_on}"
