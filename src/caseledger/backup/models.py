"""What happened to each backup and each drill: the evidence an operator and an auditor read."""

from __future__ import annotations

from django.db import models


class BackupRun(models.Model):
    """One `backup run`: the snapshot it took and, per destination, whether it was written."""

    snapshot_id = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    engine = models.CharField(max_length=20)
    ok = models.BooleanField(help_text="every destination was written and read back")
    journal_head_seq = models.BigIntegerField(default=0)
    journal_head_hash = models.CharField(max_length=64, blank=True)
    archive_bytes = models.BigIntegerField(default=0)
    files = models.IntegerField(default=0)
    error = models.TextField(blank=True, help_text="why no snapshot could be taken at all")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.snapshot_id


class DestinationResult(models.Model):
    run = models.ForeignKey(BackupRun, on_delete=models.PROTECT, related_name="results")
    destination = models.CharField(max_length=60)
    location = models.CharField(max_length=500)
    ok = models.BooleanField()
    verified = models.BooleanField(default=False, help_text="the written copy was read back")
    error = models.TextField(blank=True)
    duration_ms = models.IntegerField(default=0)
    pruned = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "destination"]
        constraints = [
            models.UniqueConstraint(fields=["run", "destination"], name="backup_result_once")
        ]


class Drill(models.Model):
    """A restore drill: a backup restored into scratch and checked against live."""

    at = models.DateTimeField()
    snapshot_id = models.CharField(max_length=40, blank=True)
    destination = models.CharField(max_length=60)
    duration_ms = models.IntegerField(default=0)
    ok = models.BooleanField()
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
