"""Writing files so that a crash leaves each one whole or absent: the archive's segments,
the certificates of disposition and the backups' manifests all need exactly this."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# Files being written carry this prefix until they are renamed into place; a reader that
# lists a folder skips them, and a clean-up may delete the ones a crash left.
TMP_PREFIX = ".tmp-"


def fsync_dir(path: Path) -> None:
    """Make a rename (or a new file) in `path` survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` beside `target` under a temporary name, fsync it, rename it over
    `target`, then fsync the folder."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = folder / f"{TMP_PREFIX}{secrets.token_hex(4)}-{target.name}"
    try:
        with tmp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(folder)
