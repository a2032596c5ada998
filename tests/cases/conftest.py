"""Fixtures the case tests share with the API and web tests."""

from tests.api.conftest import api_as  # noqa: F401
from tests.web.conftest import login  # noqa: F401
