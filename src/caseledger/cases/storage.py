"""Content-addressed attachment files. Dangerous module: it writes user files to disk.

A file is streamed to a temporary name in the same directory, fsynced, then renamed to
its sha256, so a crash never leaves a half-written file under a real name. Writing the
same content twice is a no-op. Files are written before the database row that names them;
an orphan file (a crash or a refused write in between) holds nothing that a row points to.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.core.errors import ValidationFailed

CHUNK = 1024 * 1024

_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]{0,58}/[A-Za-z0-9][\w!#$&^.+-]{0,58}", re.ASCII)


def media_type(given: str | None, filename: str) -> str:
    """The type a file is kept and served as: the uploader's when it is a media type
    (type/subtype, parameters dropped), else the one its name suggests, else
    application/octet-stream. A type sent with control characters ("\x01junk/\x7f") was
    stored as sent, and every download of that file was a 500: no HTTP header may hold it.
    Called on upload and again on download, for rows stored before."""
    kind = (given or "").split(";", 1)[0].strip()
    if _MEDIA_TYPE.fullmatch(kind):
        return kind.lower()
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int


def root() -> Path:
    return Path(settings.ATTACHMENTS_DIR)


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a sha256 hex digest")
    return root() / sha256[:2] / sha256[2:4] / sha256


def store(stream: BinaryIO, *, max_bytes: int | None = None) -> StoredFile:
    limit = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=base, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(
                        _("is larger than the %(limit)s byte limit") % {"limit": limit},
                        field="file",
                        code="too_large",
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise ValidationFailed(_("is empty"), field="file", code="empty")
        sha = digest.hexdigest()
        final = path_for(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(tmp_name)
        else:
            os.replace(tmp_name, final)
            dir_fd = os.open(final.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return StoredFile(sha256=sha, size=size)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def open_file(sha256: str) -> BinaryIO:
    return path_for(sha256).open("rb")
