"""The segment format: JSON Lines, one archived case per line, compressed with zstd, beside
a JSON manifest. Dangerous module: a record that does not read back exactly is archived
text lost. Guarantees: every record's sha256 (of its line) and the segment file's sha256
are in the manifest; `read` checks the manifest against the registry, the file against the
manifest and every line against its sha256, and names what does not match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import zstandard
from django.utils.translation import gettext as _

from caseledger.core.errors import CaseledgerError

FORMAT = "caseledger-archive/1"
LEVEL = 6  # demo text compresses ~5x here at well over 50 MB/s on one core


class Corrupt(CaseledgerError):
    code = "archive_corrupt"
    http_status = 500


def new_name(at: dt.datetime) -> str:
    return f"seg-{at.astimezone(dt.UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"


def data_file(name: str) -> str:
    return f"{name}.jsonl.zst"


def manifest_file(name: str) -> str:
    return f"{name}.manifest.json"


def encode(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Line:
    case_id: int
    reference: str
    data: bytes
    schedule: str | None = None
    schedule_version: int | None = None

    @property
    def sha256(self) -> str:
        return sha(self.data)


@dataclass(frozen=True)
class Sealed:
    name: str
    data: bytes
    manifest: bytes
    manifest_sha256: str
    sha256: str
    raw_bytes: int
    lines: list[Line]


def build(
    name: str, lines: Iterable[Line], *, created_at: dt.datetime, extra: dict | None = None
) -> Sealed:
    lines = list(lines)
    raw = b"".join(line.data + b"\n" for line in lines)
    data = zstandard.ZstdCompressor(level=LEVEL).compress(raw)
    manifest = {
        "format": FORMAT,
        "segment": name,
        "created_at": created_at.astimezone(dt.UTC).isoformat(),
        "count": len(lines),
        "raw_bytes": len(raw),
        "stored_bytes": len(data),
        "sha256": sha(data),
        "records": [
            {
                "id": line.case_id,
                "reference": line.reference,
                "sha256": line.sha256,
                "bytes": len(line.data),
                "schedule": line.schedule,
                "schedule_version": line.schedule_version,
            }
            for line in lines
        ],
        **(extra or {}),
    }
    body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    return Sealed(name, data, body, sha(body), manifest["sha256"], len(raw), lines)


@dataclass(frozen=True)
class Opened:
    manifest: dict[str, Any]
    lines: list[Line]

    def record(self, case_id: int) -> tuple[dict[str, Any], str]:
        for line in self.lines:
            if line.case_id == case_id:
                return json.loads(line.data), line.sha256
        raise Corrupt(
            _("segment %(name)s holds no record of case %(case)s")
            % {"name": self.manifest["segment"], "case": case_id}
        )


def read_manifest(store: Any, name: str, expect_sha256: str | None = None) -> dict[str, Any]:
    body = store.get(manifest_file(name))
    if expect_sha256 is not None and sha(body) != expect_sha256:
        raise Corrupt(
            _("segment %(name)s: the manifest does not match its registered sha256")
            % {"name": name}
        )
    try:
        manifest = json.loads(body)
    except ValueError as exc:
        raise Corrupt(_("segment %(name)s: the manifest is not JSON") % {"name": name}) from exc
    if manifest.get("format") != FORMAT or manifest.get("segment") != name:
        raise Corrupt(
            _("segment %(name)s: the manifest is not a %(format)s manifest of this segment")
            % {"name": name, "format": FORMAT}
        )
    return manifest


def read(
    store: Any, name: str, *, manifest_sha256: str | None = None, sha256: str | None = None
) -> Opened:
    """The segment, every checksum verified; Corrupt names the first thing that is wrong."""
    manifest = read_manifest(store, name, manifest_sha256)
    data = store.get(data_file(name))
    actual = sha(data)
    if actual != manifest["sha256"] or (sha256 is not None and actual != sha256):
        raise Corrupt(
            _("segment %(name)s: the file's sha256 does not match the manifest") % {"name": name}
        )
    try:
        raw = zstandard.ZstdDecompressor().decompress(data, max_output_size=manifest["raw_bytes"])
    except zstandard.ZstdError as exc:
        raise Corrupt(
            _("segment %(name)s: does not decompress (%(reason)s)") % {"name": name, "reason": exc}
        ) from exc
    chunks = raw.split(b"\n")
    if chunks and chunks[-1] == b"":
        chunks.pop()
    entries = manifest["records"]
    if len(chunks) != len(entries) or len(entries) != manifest["count"]:
        raise Corrupt(
            _(
                "segment %(name)s: %(found)s records, the manifest lists %(listed)s and counts %(counted)s"
            )
            % {
                "name": name,
                "found": len(chunks),
                "listed": len(entries),
                "counted": manifest["count"],
            }
        )
    lines = []
    for chunk, entry in zip(chunks, entries, strict=True):
        line = Line(
            entry["id"], entry["reference"], chunk, entry["schedule"], entry["schedule_version"]
        )
        if line.sha256 != entry["sha256"]:
            raise Corrupt(
                _("segment %(name)s: record of case %(case)s fails its sha256")
                % {"name": name, "case": entry["reference"]}
            )
        lines.append(line)
    return Opened(manifest, lines)
