"""Where backups go: directories and S3-compatible object storage. Dangerous module: a
half-written backup taken for a whole one is a backup that fails on the day it is needed.

Guarantees: a backup appears at a destination only complete. In a directory the archive is
written under a temporary name, fsynced and renamed into place, and `manifest.json` is
written the same way last; on S3 the archive object is put first and the manifest object
last. `list()` shows only backups with a manifest; leftovers of an interrupted run (temporary
names, a folder without manifest) are never listed and are removed by the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.core.durable import TMP_PREFIX, fsync_dir
from caseledger.core.errors import NotFound, ValidationFailed
from caseledger.core.s3 import s3_client

ARCHIVE = "archive.tar.zst.enc"
MANIFEST = "manifest.json"
# Every signed journal checkpoint is copied to every destination as it is made
# (journal/copies.py): a log file in a directory, one object per checkpoint on S3.
CHECKPOINTS = "checkpoints"
CHECKPOINT_LOG = "checkpoints.jsonl"
_TMP = TMP_PREFIX


@dataclass
class DirectoryDestination:
    name: str
    root: Path

    kind = "directory"

    def describe(self) -> str:
        return str(self.root)

    def clean_leftovers(self) -> list[str]:
        """Remove what an interrupted run left. Only call while holding the backup lock."""
        removed: list[str] = []
        if not self.root.is_dir():
            return removed
        for child in self.root.iterdir():
            if child.name.startswith(_TMP) or (child.is_dir() and not (child / MANIFEST).is_file()):
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child.name)
        return removed

    def put(self, snapshot_id: str, archive: Path, manifest: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f"{_TMP}{snapshot_id}"
        final = self.root / snapshot_id
        if final.exists():
            raise ValidationFailed(_("%(path)s already exists") % {"path": final}, field="snapshot")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        with archive.open("rb") as src, (staging / ARCHIVE).open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
            dst.flush()
            os.fsync(dst.fileno())
        fsync_dir(staging)
        pause_for_fault_test(f"{self.name}:before-rename")
        os.rename(staging, final)
        fsync_dir(self.root)
        tmp_manifest = final / f"{_TMP}{MANIFEST}"
        with tmp_manifest.open("wb") as fh:
            fh.write(manifest)
            fh.flush()
            os.fsync(fh.fileno())
        os.rename(tmp_manifest, final / MANIFEST)
        fsync_dir(final)

    def snapshot_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            c.name
            for c in self.root.iterdir()
            if not c.name.startswith(_TMP) and (c / MANIFEST).is_file()
        )

    def read_manifest(self, snapshot_id: str) -> bytes:
        path = self.root / snapshot_id / MANIFEST
        if not path.is_file():
            raise NotFound(
                _("no backup %(snapshot)s at %(destination)s (%(where)s)")
                % {"snapshot": snapshot_id, "destination": self.name, "where": self.root},
                field="snapshot",
            )
        return path.read_bytes()

    @contextlib.contextmanager
    def open_archive(self, snapshot_id: str) -> Iterator[BinaryIO]:
        path = self.root / snapshot_id / ARCHIVE
        if not path.is_file():
            raise NotFound(_("%(path)s is missing") % {"path": path}, field="snapshot")
        with path.open("rb") as fh:
            yield fh

    def delete(self, snapshot_id: str) -> None:
        target = self.root / snapshot_id
        # The manifest goes first, so a half-deleted backup is never listed as complete.
        (target / MANIFEST).unlink(missing_ok=True)
        shutil.rmtree(target, ignore_errors=True)

    def append_checkpoint(self, name: str, line: bytes) -> None:
        """Append one checkpoint line to this destination's copy of the log, fsynced."""
        del name
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / CHECKPOINT_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def checkpoint_log(self) -> bytes | None:
        """This destination's copy of the checkpoint log; None when there is none."""
        path = self.root / CHECKPOINT_LOG
        return path.read_bytes() if path.is_file() else None


@dataclass
class S3Destination:
    name: str
    bucket: str
    prefix: str
    options: dict[str, Any]

    kind = "s3"

    def describe(self) -> str:
        endpoint = self.options.get("endpoint_url") or "aws"
        return f"s3://{self.bucket}/{self.prefix} ({endpoint})"

    def _client(self) -> Any:
        return s3_client(self.options)

    def _key(self, snapshot_id: str, name: str) -> str:
        return f"{self.prefix}{snapshot_id}/{name}"

    def clean_leftovers(self) -> list[str]:
        # An interrupted run leaves at most an archive object without a manifest.
        client = self._client()
        complete = set(self.snapshot_ids())
        removed = []
        for key in self._keys():
            snapshot_id = key[len(self.prefix) :].split("/", 1)[0]
            if snapshot_id not in complete and snapshot_id != CHECKPOINTS:
                client.delete_object(Bucket=self.bucket, Key=key)
                removed.append(key)
        return removed

    def _keys(self) -> Iterator[str]:
        paginator = self._client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def put(self, snapshot_id: str, archive: Path, manifest: bytes) -> None:
        client = self._client()
        client.upload_file(str(archive), self.bucket, self._key(snapshot_id, ARCHIVE))
        pause_for_fault_test(f"{self.name}:before-rename")
        client.put_object(Bucket=self.bucket, Key=self._key(snapshot_id, MANIFEST), Body=manifest)

    def snapshot_ids(self) -> list[str]:
        found = set()
        for key in self._keys():
            rest = key[len(self.prefix) :]
            if rest.endswith("/" + MANIFEST):
                found.add(rest.split("/", 1)[0])
        return sorted(found)

    def read_manifest(self, snapshot_id: str) -> bytes:
        client = self._client()
        try:
            body = client.get_object(Bucket=self.bucket, Key=self._key(snapshot_id, MANIFEST))
        except client.exceptions.NoSuchKey as exc:
            raise NotFound(
                _("no backup %(snapshot)s at %(destination)s")
                % {"snapshot": snapshot_id, "destination": self.name},
                field="snapshot",
            ) from exc
        return body["Body"].read()

    @contextlib.contextmanager
    def open_archive(self, snapshot_id: str) -> Iterator[BinaryIO]:
        client = self._client()
        try:
            body = client.get_object(Bucket=self.bucket, Key=self._key(snapshot_id, ARCHIVE))
        except client.exceptions.NoSuchKey as exc:
            raise NotFound(
                _("%(path)s is missing at %(destination)s")
                % {"path": self._key(snapshot_id, ARCHIVE), "destination": self.name},
                field="snapshot",
            ) from exc
        stream = body["Body"]
        try:
            yield stream
        finally:
            stream.close()

    def delete(self, snapshot_id: str) -> None:
        client = self._client()
        client.delete_object(Bucket=self.bucket, Key=self._key(snapshot_id, MANIFEST))
        client.delete_object(Bucket=self.bucket, Key=self._key(snapshot_id, ARCHIVE))

    def append_checkpoint(self, name: str, line: bytes) -> None:
        """One object per checkpoint (objects cannot be appended to), named to sort by seq."""
        self._client().put_object(Bucket=self.bucket, Key=self._key(CHECKPOINTS, name), Body=line)

    def checkpoint_log(self) -> bytes | None:
        """Every checkpoint object, in name order, as one log; None when there is none."""
        client = self._client()
        keys = sorted(k for k in self._keys() if k.startswith(self._key(CHECKPOINTS, "")))
        if not keys:
            return None
        return b"".join(
            client.get_object(Bucket=self.bucket, Key=key)["Body"].read() for key in keys
        )


Destination = DirectoryDestination | S3Destination


def configured() -> list[Destination]:
    """Every configured destination; an error names a bad CASELEDGER_BACKUP_DIRS entry."""
    found: list[Destination] = []
    key_file = Path(settings.BACKUP_KEY_FILE).resolve()
    for item in (i.strip() for i in settings.BACKUP_DIRS.split(",")):
        if not item:
            continue
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise ValidationFailed(
                _("CASELEDGER_BACKUP_DIRS entry '%(item)s' is not NAME=DIRECTORY") % {"item": item},
                field="backup_dirs",
            )
        root = Path(path.strip()).expanduser().resolve()
        if key_file.is_relative_to(root):
            raise ValidationFailed(
                _("destination %(name)s (%(where)s) holds the backup key file: keep the key apart")
                % {"name": name, "where": root},
                field="backup_dirs",
            )
        found.append(DirectoryDestination(name.strip(), root))
    s3 = settings.BACKUP_S3
    if s3.get("bucket"):
        prefix = s3.get("prefix") or ""
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        found.append(S3Destination("s3", str(s3["bucket"]), prefix, dict(s3)))
    names = [d.name for d in found]
    if len(set(names)) != len(names):
        raise ValidationFailed(
            _("destination names repeat: %(names)s") % {"names": ", ".join(names)},
            field="backup_dirs",
        )
    if not found:
        raise ValidationFailed(_("no backup destination is configured"), field="backup_dirs")
    return found


def named(name_or_path: str) -> Destination:
    """A configured destination by name, or any directory holding backups."""
    for destination in configured():
        if destination.name == name_or_path:
            return destination
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return DirectoryDestination(path.name or "directory", path.resolve())
    names = ", ".join(d.name for d in configured())
    raise NotFound(
        _("'%(given)s' is neither a configured destination (%(names)s) nor a directory")
        % {"given": name_or_path, "names": names},
        field="from",
    )


def pause_for_fault_test(point: str) -> None:
    """Fault tests kill a backup at a known point. Only when CASELEDGER_BACKUP_PAUSE_AT names
    the point: announce it in a file, then wait to be killed."""
    wanted = os.environ.get("CASELEDGER_BACKUP_PAUSE_AT")
    if wanted != point:
        return
    import time

    marker = os.environ.get("CASELEDGER_BACKUP_PAUSE_MARKER")
    if marker:
        Path(marker).write_text(point, encoding="utf-8")
    time.sleep(120)
