"""Classification suggestions' records: the trained models (their files are in the data
directory, their sha256 here), the per-field settings, and what people did with each
suggestion. No case text is stored here: values are codes, ids and counts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

FIELD_CHOICES = [
    ("category", _("Category")),
    ("subcategory", _("Subcategory")),
    ("severity", _("Severity")),
    ("department", _("Department")),
]
FIELDS = tuple(name for name, _label in FIELD_CHOICES)


class TrainedModel(models.Model):
    """One training run. `filename` is under DATA_DIR/classify/; the file is loaded only when
    its sha256 equals `sha256` (it is a plain numpy archive, never a pickle)."""

    trained_at = models.DateTimeField()
    filename = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    cases = models.PositiveIntegerField()  # cases it learned from
    held_out = models.PositiveIntegerField()  # cases it was measured on
    vocabulary = models.PositiveIntegerField()
    # {"category": 0.91, ..., "category_top3": 0.99}
    accuracy = models.JSONField(default=dict)
    active = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-trained_at", "-id"]


class FieldSetting(models.Model):
    """Whether the worker may apply a field's suggestion without a person (off unless an
    administrator turns it on), and how sure the model must be."""

    field = models.CharField(max_length=20, primary_key=True, choices=FIELD_CHOICES)
    auto_apply = models.BooleanField(default=False)
    min_confidence = models.FloatField(default=0.9)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    CORRECTED = "corrected", _("Corrected")


class Feedback(models.Model):
    """A person accepted or corrected one field's suggestion on one case. The case is named
    by id only (a destroyed case leaves its counts); values are codes or department ids."""

    case_id = models.BigIntegerField(db_index=True)
    field = models.CharField(max_length=20, choices=FIELD_CHOICES)
    suggested = models.CharField(max_length=40)
    chosen = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    model = models.ForeignKey(TrainedModel, on_delete=models.PROTECT, related_name="feedback")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["field", "outcome"], name="classify_feedback_outcome")]


class AutoApplyState(models.Model):
    """One row: the newest case the worker has considered for applying without a person."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_case_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
