"""The append-only journal. Entries are chained by hash; payloads live apart so they can be
redacted by a disposition while the chain still verifies. The database refuses UPDATE and
DELETE on entries (see triggers.py)."""

from __future__ import annotations

from django.db import models

GENESIS_HASH = "0" * 64


class Entry(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150)
    via = models.CharField(max_length=16)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    # The record an entry belongs to for history: a note's root is its case.
    root = models.CharField(max_length=100)
    reason = models.TextField(blank=True)
    payload_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="journal_obj_seq"),
            models.Index(fields=["root", "seq"], name="journal_root_seq"),
            models.Index(fields=["at"], name="journal_at"),
            models.Index(fields=["action", "seq"], name="journal_action_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class Payload(models.Model):
    """What changed and the object's full state after, as canonical JSON text."""

    entry = models.OneToOneField(
        Entry, primary_key=True, on_delete=models.DO_NOTHING, related_name="payload"
    )
    body = models.TextField(null=True, blank=True)  # None once redacted
    redacted_at = models.DateTimeField(null=True, blank=True)
    redaction_ref = models.CharField(max_length=100, blank=True)


class ChainHead(models.Model):
    """One row: the newest seq and hash. Locking it serializes appends on every engine."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
