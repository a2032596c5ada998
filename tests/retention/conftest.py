"""The API and web clients of tests/api and tests/web, for the retention tests."""

from tests.api.conftest import api_as  # noqa: F401
from tests.web.conftest import login  # noqa: F401
