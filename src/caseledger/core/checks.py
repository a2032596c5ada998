"""Startup checks (`manage.py check`): refuse to run on settings that would lose data."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def data_dir_checks(app_configs, **kwargs):
    problems = []
    data_dir = settings.DATA_DIR
    if not data_dir.exists():
        problems.append(Error(f"data directory {data_dir} does not exist", id="caseledger.E001"))
    key = settings.JOURNAL_SIGNING_KEY_FILE
    if key.exists() and key.stat().st_mode & 0o077:
        problems.append(
            Warning(
                f"journal signing key {key} is readable by others; chmod 600 it",
                id="caseledger.W001",
            )
        )
    return problems
