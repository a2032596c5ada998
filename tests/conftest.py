"""Shared personas and fixtures. Every test's data is written through the services."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection

from caseledger.disposition import certificate_triggers
from caseledger.journal import triggers as journal_triggers

os.environ.setdefault("CASELEDGER_HEALTH_TESTING", "1")


# Tables the database keeps forever, with the module that guards each one.
_GUARDED = (
    ("journal_entry", journal_triggers),
    (certificate_triggers.TABLE, certificate_triggers),
)


def _make_flush_respect_guard_triggers() -> None:
    """TransactionTestCase empties every table between tests; the journal and the
    certificates of disposition refuse that (PostgreSQL refuses TRUNCATE too).

    Only in tests, the flush drops those triggers, empties, and puts them back.
    """
    ops_class = type(connection.ops)
    if getattr(ops_class, "_caseledger_patched", False):
        return
    original = ops_class.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        vendor = self.connection.vendor
        guards = [module for table, module in _GUARDED if table in tables]
        drop = [sql for module in guards for sql in module.drop_statements(vendor)]
        create = [sql for module in guards for sql in module.create_statements(vendor)]
        return [*drop, *statements, *create]

    ops_class.sql_flush = sql_flush
    ops_class._caseledger_patched = True


_make_flush_respect_guard_triggers()


@pytest.fixture(autouse=True)
def _language_reset():
    """A test that switches the language (the zh-Hans page tests) leaves it active in the
    thread; the next test starts in the default again."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _taxonomy_reread():
    """The taxonomy and step rules are cached per process for a few seconds; a test that
    adopted a template (an acknowledgement clock, other categories) must not leave them to
    the next test, whose database no longer has them."""
    from caseledger.cases import taxonomy

    taxonomy.invalidate()
    yield
    taxonomy.invalidate()


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path: Path):
    """Attachments, keys, checkpoints (and their copies at the backup destinations), archive
    segments, certificate files and mail of each test live in its own directory: no test sees
    files another one left."""
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.JOURNAL_SIGNING_KEY_FILE = tmp_path / "keys" / "journal-ed25519.pem"
    settings.JOURNAL_CHECKPOINT_LOG = tmp_path / "checkpoints" / "checkpoints.jsonl"
    settings.ARCHIVE_DIR = tmp_path / "archive"
    settings.ARCHIVE_S3 = {**settings.ARCHIVE_S3, "bucket": None}
    settings.DISPOSITIONS_DIR = tmp_path / "dispositions"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    # Each checkpoint is copied to every backup destination as it is signed.
    backups = tmp_path / "backups"
    settings.BACKUP_DIRS = f"primary={backups / 'primary'},secondary={backups / 'secondary'}"
    return tmp_path


class Personas:
    """An agent, a supervisor, a records manager, a compliance officer, an auditor, an
    administrator (no content role), and an outsider: an agent of another department."""

    def __init__(self) -> None:
        from caseledger.accounts.services import department_create, user_create

        self.sales = department_create(actor=None, code="sales", name="Sales 销售部")
        self.service = department_create(actor=None, code="service", name="Service 客服部")
        pw = "correct horse battery"
        self.password = pw
        self.agent = user_create(
            actor=None, username="alice", password=pw, roles=["agent"], department=self.sales
        )
        self.supervisor = user_create(
            actor=None,
            username="sam",
            password=pw,
            roles=["supervisor"],
            department=self.sales,
            supervised=[self.sales],
        )
        self.records_manager = user_create(
            actor=None, username="rita", password=pw, roles=["records_manager"]
        )
        self.compliance = user_create(
            actor=None, username="carl", password=pw, roles=["compliance"]
        )
        self.auditor = user_create(actor=None, username="audrey", password=pw, roles=["auditor"])
        self.admin = user_create(actor=None, username="adam", password=pw, roles=["administrator"])
        self.outsider = user_create(
            actor=None, username="oscar", password=pw, roles=["agent"], department=self.service
        )

    def all(self) -> dict:
        return {
            "agent": self.agent,
            "supervisor": self.supervisor,
            "records_manager": self.records_manager,
            "compliance": self.compliance,
            "auditor": self.auditor,
            "admin": self.admin,
            "outsider": self.outsider,
        }


@pytest.fixture
def people(db) -> Personas:
    return Personas()


@pytest.fixture
def customer(people):
    from tests.factories import make_customer

    return make_customer(people.agent, people.sales)


@pytest.fixture
def case(people, customer):
    from tests.factories import make_case

    return make_case(people.agent, customer)
