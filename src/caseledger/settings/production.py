"""The settings `caseledger` runs with; kept apart so tests never pick them up by accident."""

from caseledger.settings.base import *  # noqa: F403
