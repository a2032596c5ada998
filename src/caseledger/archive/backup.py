"""The archive in backups. A directory store's segments and manifests go into every backup
under `archive/` (after the stubs are written they are the only full copy of those cases);
a restore adds back the ones missing and never overwrites one. An S3 store is its own
copy (turn on bucket versioning); the registry with every sha256 is in the database copy
either way."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from caseledger.archive.store import DirectoryStore, configured


def backup_files() -> Iterator[tuple[str, Path]]:
    target = configured()
    if isinstance(target, DirectoryStore) and target.root.is_dir():
        for path in sorted(target.root.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                yield f"archive/{path.name}", path


def install_files(staged: Path, data_dir: Path) -> None:
    if not staged.is_dir():
        return
    target = data_dir / "archive"
    for source in sorted(staged.iterdir()):
        if source.is_file() and not (target / source.name).exists():
            target.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.rename(source, target / source.name)
