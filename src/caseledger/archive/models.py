"""The registry of archive segments and the records each one holds.

The segment files live in the archive store (caseledger.archive.store); these rows say which
segments exist, in what state, and where each archived case's full record is. A segment is
`sealed` once its files are written and fsynced and it is registered, `applied` once the
hot rows it holds are stubs, `superseded` when a purge rewrote it without some records, and
`discarded` when a run found it could not be applied (its cases changed meanwhile).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SegmentState(models.TextChoices):
    SEALED = "sealed", _("Sealed, not yet applied")
    APPLIED = "applied", _("Applied")
    SUPERSEDED = "superseded", _("Superseded")
    DISCARDED = "discarded", _("Discarded")


class ArchiveSegment(models.Model):
    name = models.CharField(max_length=80, unique=True)
    state = models.CharField(max_length=12, choices=SegmentState.choices)
    records = models.PositiveIntegerField()
    raw_bytes = models.PositiveBigIntegerField()
    stored_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # of the compressed segment file
    manifest_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    # A purge's rewrite names the segment it replaced and the disposition that asked for it.
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purge_ref = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state"], name="archive_segment_state")]

    def __str__(self) -> str:
        return self.name


class ArchivedRecord(models.Model):
    """One case's record in one segment. A case archived, restored and archived again has
    two; the newest in a live (sealed or applied) segment is the one its stub points to.
    Not a foreign key to the case: a disposition may destroy the case row while the
    registry keeps what the certificate names."""

    segment = models.ForeignKey(ArchiveSegment, on_delete=models.CASCADE, related_name="items")
    case_id = models.PositiveBigIntegerField()
    reference = models.CharField(max_length=20)
    sha256 = models.CharField(max_length=64)
    raw_bytes = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case_id"], name="archive_record_case")]
        constraints = [
            models.UniqueConstraint(fields=["segment", "case_id"], name="archive_record_once")
        ]
