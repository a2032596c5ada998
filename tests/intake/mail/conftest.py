"""Fixtures of the e-mail tests: a real Dovecot for the session, a fresh IMAP folder per
test, a mailbox record pointing at it, and the sample messages in messages/."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.intake.mail import dovecot

MESSAGES = Path(__file__).parent / "messages"


def sample(name: str, **replace: str) -> bytes:
    raw = (MESSAGES / name).read_bytes()
    for key, value in replace.items():
        raw = raw.replace(b"{{" + key.encode() + b"}}", value.encode())
    return raw


@pytest.fixture(scope="session")
def dovecot_server():
    if dovecot.binary() is None:
        pytest.skip(
            "dovecot is not installed and could not be: run `make dovecot` as root "
            "(Debian's dovecot-imapd) for the IMAP tests"
        )
    root = Path(tempfile.mkdtemp(prefix="caseledger-dovecot-"))
    os.chmod(root, 0o755)  # noqa: S103 - Dovecot's mail processes run as another user when we are root
    server = dovecot.start(root)
    yield server
    server.stop()


@pytest.fixture
def imap_folder(dovecot_server):
    """A new, empty folder on the server, and a client to put mail into it."""
    from imap_tools import MailBoxUnencrypted

    name = f"t{uuid.uuid4().hex[:12]}"
    client = MailBoxUnencrypted("127.0.0.1", dovecot_server.port).login_utf8(
        dovecot_server.user, dovecot_server.password
    )
    client.folder.create(name)
    yield name, client
    client.logout()


@pytest.fixture
def intake_user(people):
    from caseledger.accounts.services import user_create

    return user_create(
        actor=None, username="mailbot", password=people.password, roles=["agent"],
        department=people.sales,
    )  # fmt: skip


@pytest.fixture
def mailbox(people, intake_user):
    """A mailbox for imports only (no IMAP host)."""
    from caseledger.intake.mail.services import mailbox_create

    return mailbox_create(
        actor=people.admin,
        data={
            "name": "support", "department": people.sales, "address": "support@caseledger.test",
            "intake_user": intake_user, "category": "product_quality",
        },
    )  # fmt: skip


@pytest.fixture
def imap_mailbox(people, intake_user, dovecot_server, imap_folder):
    from caseledger.intake.mail.services import mailbox_create

    folder, client = imap_folder
    box = mailbox_create(
        actor=people.admin,
        data={
            "name": "support", "department": people.sales, "address": "support@caseledger.test",
            "intake_user": intake_user, "host": "127.0.0.1", "port": dovecot_server.port,
            "security": "none", "username": dovecot_server.user,
            "password": dovecot_server.password, "folder": folder,
        },
    )  # fmt: skip
    return box, client
