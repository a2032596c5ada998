"""The API clients of tests/api serve the intake tests too."""

from tests.api.conftest import api_as  # noqa: F401
