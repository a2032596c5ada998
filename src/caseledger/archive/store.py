"""Where archive segments live: a directory (the data directory's archive/ by default) or
S3-compatible object storage. Dangerous module: a segment taken as written that is not on
disk is archived text lost once the hot rows become stubs.

Guarantees: `put` returns only when the object is durable: in a directory it is written
under a temporary name, fsynced, renamed into place and the directory fsynced; on S3 the
PUT has returned. Names never contain a path separator; temporary leftovers of an
interrupted write are never listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.core.durable import TMP_PREFIX, fsync_dir, write_atomically
from caseledger.core.errors import NotFound

_TMP = TMP_PREFIX


class Store(Protocol):
    def describe(self) -> str: ...
    def put(self, name: str, data: bytes) -> None: ...
    def get(self, name: str) -> bytes: ...
    def names(self) -> list[str]: ...
    def delete(self, name: str) -> None: ...


@dataclass
class DirectoryStore:
    root: Path

    def describe(self) -> str:
        return str(self.root)

    def _path(self, name: str) -> Path:
        if "/" in name or name.startswith(".") or not name:
            # The writer names objects itself: a bad name is a bug, for a developer to read.
            raise ValueError(f"bad archive object name {name!r}")
        return self.root / name

    def put(self, name: str, data: bytes) -> None:
        write_atomically(self._path(name), data)

    def get(self, name: str) -> bytes:
        path = self._path(name)
        if not path.is_file():
            raise NotFound(
                _("%(path)s is missing from the archive store") % {"path": path}, field="segment"
            )
        return path.read_bytes()

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if not p.name.startswith("."))

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)
        if self.root.is_dir():
            fsync_dir(self.root)

    def clean_leftovers(self) -> None:
        """Temporary files of a write a crash interrupted: never a whole object."""
        if self.root.is_dir():
            for p in self.root.iterdir():
                if p.name.startswith(_TMP):
                    p.unlink(missing_ok=True)


@dataclass
class S3Store:
    bucket: str
    prefix: str
    options: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix} ({self.options.get('endpoint_url') or 'aws'})"

    def _client(self) -> Any:
        # The backup destinations' client: the same retries, timeouts and credentials rules.
        from caseledger.core.s3 import s3_client

        return s3_client(self.options)

    def put(self, name: str, data: bytes) -> None:
        self._client().put_object(Bucket=self.bucket, Key=self.prefix + name, Body=data)

    def get(self, name: str) -> bytes:
        client = self._client()
        try:
            body = client.get_object(Bucket=self.bucket, Key=self.prefix + name)
        except client.exceptions.NoSuchKey as exc:
            raise NotFound(
                _("%(path)s is missing at %(destination)s")
                % {"path": self.prefix + name, "destination": self.describe()}
            ) from exc
        return body["Body"].read()

    def names(self) -> list[str]:
        found = []
        paginator = self._client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                rest = item["Key"][len(self.prefix) :]
                if rest and "/" not in rest:
                    found.append(rest)
        return sorted(found)

    def delete(self, name: str) -> None:
        self._client().delete_object(Bucket=self.bucket, Key=self.prefix + name)

    def clean_leftovers(self) -> None:
        pass  # a PUT is whole or absent


def configured() -> DirectoryStore | S3Store:
    s3 = settings.ARCHIVE_S3
    if s3.get("bucket"):
        prefix = s3.get("prefix") or ""
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return S3Store(str(s3["bucket"]), prefix, dict(s3))
    return DirectoryStore(Path(settings.ARCHIVE_DIR))
