from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """When a process (the worker) last said it was alive. Operational, not a record."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)
