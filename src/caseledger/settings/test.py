"""Test settings: a throwaway data directory and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("CASELEDGER_DATA_DIR", tempfile.mkdtemp(prefix="caseledger-test-"))

from caseledger.settings.base import *  # noqa: F403
from caseledger.settings.base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}  # noqa: F405
# Tests sign checkpoints when they mean to (tests/journal/test_burst_checkpoints.py turns
# the burst checkpoints on where it tests them).
JOURNAL_CHECKPOINT_ON_WRITES = False
LANGUAGE_CODE = "en"
# Commands speak the test language whatever the developer's terminal locale is.
CLI_LANGUAGE_FROM_LOCALE = False
# The public form in tests: a proof of work of a few hashes, filed to the sales department.
INTAKE_POW_ALGORITHM = "SHA-256"
INTAKE_POW_COST = 1
INTAKE_POW_PREFIX = "0"
INTAKE_FORM_DEPARTMENT = "sales"
# Each test's connection closes with it, on both engines (the live server keeps its own).
DATABASES["default"]["CONN_MAX_AGE"] = 0
