"""The index's own bookkeeping. The index itself is an FTS5 table (SQLite) or a table of
tsvector chunks (PostgreSQL), made by migration 0001 for the engine in use; see
backends.py."""

from __future__ import annotations

from django.db import models


class IndexState(models.Model):
    """One row: the last journal sequence the index has consumed."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
