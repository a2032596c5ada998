"""The data directory holds names, phone numbers and keys: only its owner may read it.

Every process sets umask 077 before it creates anything (settings/base.py), so new files are
0600 and new directories 0700; an existing data directory, database and key files are
tightened at start; `caseledger status` warns about any that are looser (say, after a copy or
a restore by hand). Imported by the settings module: nothing here may read Django settings.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

UMASK = 0o077
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# The database files SQLite and the job queue keep beside each other.
_DATABASE_FILES = ("caseledger.sqlite3", "jobs.sqlite3")
_SIDECARS = ("", "-wal", "-shm", "-journal")


def private_paths(data_dir: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """The data directory, its databases, Django's key, and every key file named in `extra`
    (which may live elsewhere), as far as they exist."""
    paths = [data_dir, data_dir / "secret_key", data_dir / "keys"]
    paths += [data_dir / f"{name}{side}" for name in _DATABASE_FILES for side in _SIDECARS]
    paths += list(extra)
    seen: list[Path] = []
    for path in paths:
        if path not in seen and path.exists():
            seen.append(path)
    return seen


def _wanted(path: Path) -> int:
    return PRIVATE_DIR if path.is_dir() else PRIVATE_FILE


def tighten(paths: Iterable[Path]) -> None:
    """chmod each path to 0700 (directory) or 0600 (file). A path this process does not own
    is left as it is; `loose` reports it."""
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(mode & _wanted(path))
        except OSError:
            continue


def loose(paths: Iterable[Path]) -> list[dict[str, str]]:
    """Each path that others may read, write or enter, with its mode and the one it needs."""
    found = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            found.append(
                {"path": str(path), "mode": f"{mode:04o}", "wanted": f"{_wanted(path):04o}"}
            )
    return found


def restrict_process() -> None:
    """Files and directories this process creates are its owner's alone."""
    os.umask(UMASK)
