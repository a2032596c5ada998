"""Privacy records: sensitive changes awaiting a second person, data-subject requests
(PIPL Arts 44-47, GDPR 15-17), and consent. Every write goes through privacy.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caseledger.customers.models import Customer, Identifier, IdentifierKind


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class PendingChange(models.Model):
    """A sensitive identifier entered by one person that a second one must confirm against
    the source before it reaches the customer (maker-checker). Like Identifier, only the
    ciphertext and the mask are stored; `replaces` is set when it changes an existing one."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="pending_changes")
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    replaces = models.ForeignKey(
        Identifier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ciphertext = models.TextField()
    key_id = models.CharField(max_length=40)
    masked = models.CharField(max_length=200)
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["customer", "status"], name="pending_customer_status")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.masked} ({self.status})"


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access / copy")
    CORRECTION = "correction", _("Correction")
    DELETION = "deletion", _("Deletion")
    RESTRICTION = "restriction", _("Restriction of processing")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


OPEN_STATUSES = (RequestStatus.OPEN, RequestStatus.IN_PROGRESS, RequestStatus.WAITING)


class PrivacyRequest(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="privacy_requests"
    )
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    received_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=40, blank=True)
    details = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="privacy_request_due")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class ObtainedBy(models.TextChoices):
    FORM = "form", _("Form")
    CALL = "call", _("Call")
    PAPER = "paper", _("Paper")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


class LegalBasis(models.TextChoices):
    # PIPL Art 13 (1)-(7), in short.
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract")
    LEGAL_DUTY = "legal_duty", _("Legal duty")
    EMERGENCY = "emergency", _("Emergency (life, health, property)")
    PUBLIC_INTEREST = "public_interest", _("News or public interest")
    PUBLISHED = "published", _("Already lawfully published")
    OTHER_LAW = "other_law", _("Other law or regulation")


class Consent(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=200)
    data_scope = models.CharField(max_length=200, blank=True)  # which data
    channel_scope = models.CharField(max_length=100, blank=True)  # which channel
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices)
    obtained_by = models.CharField(max_length=12, choices=ObtainedBy.choices)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    retention_promised = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at", "id"]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.legal_basis})"


# ---- data-quality sampling ------------------------------------------------------------------


class QualitySample(models.Model):
    """One month's random draw of customer records of one department for a data-quality
    check. One per (department, month): drawing again returns the same sample. The seed
    is kept so the draw can be repeated from the record ids and shown to be random."""

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="quality_samples"
    )
    month = models.DateField()  # the first day of the month
    size = models.PositiveIntegerField()  # as configured when drawn
    population = models.PositiveIntegerField()  # customers it was drawn from
    seed = models.CharField(max_length=32)
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="quality_sample_month")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.month:%Y-%m}"


class QualityOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    OK = "ok", _("Correct")
    CORRECTED = "corrected", _("Corrected")
    UNVERIFIABLE = "unverifiable", _("Could not verify")


class QualityCheck(models.Model):
    """One sampled customer record and what its reviewer found."""

    sample = models.ForeignKey(QualitySample, on_delete=models.PROTECT, related_name="checks")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(
        max_length=16, choices=QualityOutcome.choices, default=QualityOutcome.PENDING
    )
    note = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sample_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "customer"], name="quality_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.outcome}"
