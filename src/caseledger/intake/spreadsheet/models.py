"""Import batches, their saved column mappings, the problems a run found, the chunks it
committed (the resume high-water mark and the id ranges undo removes), and the external ids
rows are deduplicated by."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caseledger.accounts.models import Department


class ImportKind(models.TextChoices):
    CASES = "cases", _("Cases (with their customers)")
    CUSTOMERS = "customers", _("Customers")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all-or-nothing", _("All or nothing")
    VALID_ONLY = "valid-only", _("Valid rows only")


class BatchStatus(models.TextChoices):
    CHECKED = "checked", _("Checked (dry run)")
    RUNNING = "running", _("Running")
    REFUSED = "refused", _("Refused: bad rows")
    DONE = "done", _("Done")
    UNDONE = "undone", _("Undone")


class ImportMapping(models.Model):
    """Which spreadsheet column feeds which field, saved under a name to reuse."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    columns = models.JSONField(default=dict)  # field name -> column header
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    mode = models.CharField(max_length=20, choices=ImportMode.choices)
    status = models.CharField(max_length=12, choices=BatchStatus.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    stored = models.CharField(max_length=300, blank=True)  # the uploaded copy, for resuming
    columns = models.JSONField(default=dict)  # the mapping used, copied
    mapping_name = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Rows up to and including this data row number are done (committed or skipped).
    high_water = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    rows_bad = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    cases_created = models.PositiveIntegerField(default=0)
    customers_created = models.PositiveIntegerField(default=0)
    last_seq = models.PositiveBigIntegerField(default=0)  # journal head after its last chunk

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"import {self.pk} {self.filename}"


class ImportChunk(models.Model):
    """One committed chunk: its rows and the contiguous id ranges it created (ids are
    allocated under the journal lock, so a chunk's new records are a run of ids)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="chunks")
    first_row = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    first_case = models.PositiveBigIntegerField(null=True)
    last_case = models.PositiveBigIntegerField(null=True)
    first_customer = models.PositiveBigIntegerField(null=True)
    last_customer = models.PositiveBigIntegerField(null=True)

    class Meta:
        ordering = ["first_row"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "first_row"], name="import_chunk_once")
        ]


class ImportProblem(models.Model):
    """A bad (or duplicate) row: its data row number, the field, the code and the message
    the shared validators gave (translated for the reader by `report.reason`)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=40)
    message = models.TextField()

    class Meta:
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["batch", "row"], name="import_problem_row")]


class ExternalRef(models.Model):
    """An outside system's id for a record this import created, per department: a second
    import of the same row finds it and skips (cases) or reuses it (customers)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=16)
    external_id = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="refs")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "object_type", "external_id"], name="import_external_once"
            )
        ]
