"""The API clients and logged-in web clients of tests/api and tests/web serve here too."""

from tests.api.conftest import api_as  # noqa: F401
from tests.web.conftest import login  # noqa: F401
