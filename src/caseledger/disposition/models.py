"""Disposition batches (proposed, approved, executed item by item), extensions of a
record's due date, and the certificates of disposition, which are never deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caseledger.retention.models import RetentionSchedule


class BatchAction(models.TextChoices):
    DESTROY = "destroy", _("Destroy")
    ANONYMIZE = "anonymize", _("Anonymize")


class BatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXECUTING = "executing", _("Executing")
    DONE = "done", _("Done")


OPEN_STATUSES = (BatchStatus.PROPOSED, BatchStatus.APPROVED, BatchStatus.EXECUTING)


class DispositionBatch(models.Model):
    key = models.CharField(max_length=12, unique=True)  # makes certificate numbers unique
    schedule = models.ForeignKey(RetentionSchedule, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=16)  # case | customer
    action = models.CharField(max_length=16, choices=BatchAction.choices)
    status = models.CharField(
        max_length=16, choices=BatchStatus.choices, default=BatchStatus.PROPOSED
    )
    reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    certificate_number = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "id"], name="disposition_batch_status")]

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.action}, {self.status})"


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    EXTENDED = "extended", _("Extended")


class DispositionItem(models.Model):
    """One record of a batch. Its status is what makes execution resumable: an item turns
    done in the same transaction that disposes of its record."""

    batch = models.ForeignKey(DispositionBatch, on_delete=models.PROTECT, related_name="items")
    record_type = models.CharField(max_length=16)
    record_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=40)  # the case reference or "customer <id>"
    department_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    note = models.TextField(blank=True)  # why it was skipped or extended
    record_created_at = models.DateTimeField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    blobs = models.JSONField(default=list, blank=True)  # attachment files to remove after
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "record_type", "record_id"], name="disposition_item_record"
            )
        ]
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="disposition_item_rec"),
        ]


class DispositionExtension(models.Model):
    """A reviewer kept a due record longer. The recompute honours the latest one."""

    record_type = models.CharField(max_length=16)
    record_id = models.PositiveBigIntegerField()
    due_on = models.DateField()
    reason = models.TextField()
    batch = models.ForeignKey(
        DispositionBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    extended_at = models.DateTimeField()

    class Meta:
        ordering = ["record_type", "record_id", "-extended_at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="disposition_ext_rec")]


class DispositionCertificate(models.Model):
    """What was disposed of, by whom, under which rule: ids and hashes, never content.
    Self-contained (names, not foreign keys) so a copy read back from its file after a
    restore is the same certificate. The database refuses UPDATE and DELETE (triggers.py)."""

    number = models.CharField(max_length=40, unique=True)
    batch = models.OneToOneField(
        DispositionBatch,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="certificate",
    )
    document = models.JSONField()
    document_sha256 = models.CharField(max_length=64)
    schedule_code = models.CharField(max_length=80)
    action = models.CharField(max_length=16)
    executed_at = models.DateTimeField()
    records = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-executed_at", "-id"]

    def __str__(self) -> str:
        return self.number
