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


class SavedSearch(models.Model):
    """A person's named search: the query, its filters and its order, rerun from the search
    page. Personal; offboarding hands a leaver's to their successor."""

    owner = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    q = models.CharField(max_length=500)
    order = models.CharField(max_length=16, default="newest")
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_search_name_once")
        ]
        ordering = ["owner", "name"]

    def __str__(self) -> str:
        return self.name
