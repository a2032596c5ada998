"""Importing old mail from files: one .eml, an mbox, a Maildir, or a folder of .eml
files. Each message goes through `mail_receive` like a fetched one, so threading,
quarantine and the Message-ID check are the same, and importing twice records once."""

from __future__ import annotations

import mailbox as stdlib_mailbox
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from caseledger.core.errors import ValidationFailed
from caseledger.intake.mail.receive import mail_receive
from caseledger.intake.models import Mailbox


def messages_in(path: Path) -> Iterator[tuple[str, bytes]]:
    """(source, raw bytes) of every message under `path`, in the file's order."""
    if path.is_dir() and any((path / sub).is_dir() for sub in ("cur", "new")):
        maildir = stdlib_mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(maildir.keys()):
            yield f"maildir {path} {key}", maildir.get_bytes(key)
    elif path.is_dir():
        for item in sorted(path.rglob("*.eml")):
            yield f"file {item}", item.read_bytes()
    elif path.is_file() and _is_mbox(path):
        box = stdlib_mailbox.mbox(path, factory=None, create=False)
        try:
            for number, key in enumerate(box.keys(), start=1):
                yield f"mbox {path} #{number}", box.get_bytes(key)
        finally:
            box.close()
    elif path.is_file():
        yield f"file {path}", path.read_bytes()
    else:
        raise ValidationFailed(
            _("%(path)s is not a file, mbox or Maildir") % {"path": path}, field="path"
        )


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() in (".mbox", ".mbx"):
        return True
    with path.open("rb") as fh:
        return fh.read(5) == b"From "


def import_path(
    path: Path, *, mailbox: Mailbox, progress: Callable[[int], object] | None = None
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for source, raw in messages_in(path):
        result = mail_receive(actor=mailbox.intake_user, mailbox=mailbox, raw=raw, source=source)
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        if progress is not None:
            progress(1)
    return counts
