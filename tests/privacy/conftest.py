"""Fixtures the privacy tests share with the web tests."""

from tests.web.conftest import login  # noqa: F401
