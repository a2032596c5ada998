"""Search fixtures: the web client per persona."""

from __future__ import annotations

from tests.web.conftest import login  # noqa: F401
