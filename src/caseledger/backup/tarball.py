"""One backup = an encrypted, compressed tar plus a sealed manifest. Dangerous module: what it
leaves out of the archive is lost for good, and a check it skips is a corrupt backup trusted.

Guarantees: the archive holds the database copy, every attachment, the checkpoint log (cut
at the copy's journal head) and the journal's public key (never the private one). The
manifest records the sha256 and size of every file in it, of the encrypted archive itself,
the journal head, the public key's fingerprint and the row counts, and carries a MAC under
the backup key. Reading checks every one of these and names every file that does not match.
Everything streams: memory stays flat whatever the size.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import zstandard
from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.backup import crypto
from caseledger.backup.destinations import ARCHIVE, MANIFEST
from caseledger.backup.snapshot import DatabaseCopy
from caseledger.journal import checkpoints

FORMAT = "caseledger-backup/1"
CHECKPOINT_LOG = "checkpoints/checkpoints.jsonl"
PUBLIC_KEY = f"checkpoints/{checkpoints.PUBLIC_KEY_NAME}"
_BLOCK = 1024 * 1024


class _Hashing:
    """Counts and hashes the bytes that pass through, reading or writing."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.sha.update(data)
        self.size += len(data)
        return data

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.inner.write(data)

    def flush(self) -> None:
        self.inner.flush()


def _sources(copy: DatabaseCopy, work: Path, public_key: bool) -> Iterator[tuple[str, Path]]:
    yield copy.name, copy.path
    if public_key:  # what verifies the log below; the private key never enters a backup
        yield PUBLIC_KEY, work / checkpoints.PUBLIC_KEY_NAME
    log = work / "checkpoints.jsonl"
    with log.open("w", encoding="utf-8") as out:
        # Checkpoints beyond the copy's head describe entries the copy does not have; a
        # restored journal would read them as a cut tail.
        for checkpoint in checkpoints.read_log().checkpoints:
            if checkpoint.seq <= copy.head_seq:
                line = {
                    "seq": checkpoint.seq,
                    "hash": checkpoint.hash,
                    "at": checkpoint.at,
                    "key_id": checkpoint.key_id,
                    "sig": checkpoint.signature,
                }
                out.write(json.dumps(line, separators=(",", ":")) + "\n")
    yield CHECKPOINT_LOG, log
    root = Path(settings.ATTACHMENTS_DIR)
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            yield f"attachments/{path.relative_to(root).as_posix()}", path
    from caseledger.archive.backup import backup_files  # segments: see that module

    yield from backup_files()


def build(
    *, snapshot_id: str, created_at: str, copy: DatabaseCopy, work: Path, key: bytes
) -> tuple[Path, dict[str, Any]]:
    """Write the encrypted archive into `work`; return it and the unsealed manifest."""
    archive_path = work / ARCHIVE
    files: list[dict[str, Any]] = []
    public_key = checkpoints.ship_public_key(work)
    with archive_path.open("wb") as raw:
        hashed_out = _Hashing(raw)
        encrypting = crypto.EncryptingWriter(hashed_out, key)  # type: ignore[arg-type]
        compressor = zstandard.ZstdCompressor(level=3, threads=-1)
        with (
            compressor.stream_writer(encrypting, closefd=False) as compressed,  # type: ignore[arg-type]
            tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT) as tar,
        ):
            for name, path in _sources(copy, work, public_key is not None):
                info = tarfile.TarInfo(name)
                info.size = path.stat().st_size
                info.mode = 0o600
                with path.open("rb") as fh:
                    hashed_in = _Hashing(fh)
                    tar.addfile(info, hashed_in)  # type: ignore[arg-type]
                files.append(
                    {"name": name, "size": hashed_in.size, "sha256": hashed_in.sha.hexdigest()}
                )
        encrypting.close()
        raw.flush()
    manifest = {
        "format": FORMAT,
        "id": snapshot_id,
        "created_at": created_at,
        "engine": copy.engine,
        "journal": {
            "head_seq": copy.head_seq,
            "head_hash": copy.head_hash,
            "public_key_sha256": public_key,
        },
        "counts": copy.counts,
        "key_id": crypto.key_id(key),
        "archive": {
            "name": ARCHIVE,
            "size": hashed_out.size,
            "sha256": hashed_out.sha.hexdigest(),
        },
        "files": files,
    }
    return archive_path, manifest


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(manifest: dict[str, Any], key: bytes) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "mac"}
    sealed = {**body, "mac": crypto.mac(key, _canonical(body))}
    return json.dumps(sealed, indent=1, sort_keys=True, ensure_ascii=False).encode()


def parse_manifest(raw: bytes, key: bytes | None) -> tuple[dict[str, Any] | None, list[str]]:
    """The manifest, and what is wrong with it (named). key=None skips the seal check."""
    try:
        manifest = json.loads(raw)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            return None, [f"{MANIFEST}: not a {FORMAT} manifest"]
    except ValueError:
        return None, [f"{MANIFEST}: not valid JSON (altered or cut)"]
    if key is not None:
        body = {k: v for k, v in manifest.items() if k != "mac"}
        if manifest.get("key_id") != crypto.key_id(key):
            return manifest, [
                f"{MANIFEST}: written with another backup key (key id {manifest.get('key_id')})"
            ]
        if manifest.get("mac") != crypto.mac(key, _canonical(body)):
            return manifest, [f"{MANIFEST}: its seal does not match its contents (altered)"]
    return manifest, []


@dataclass
class ReadResult:
    problems: list[str] = field(default_factory=list)
    files_checked: int = 0
    bytes_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _safe_target(root: Path, name: str) -> Path:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts:
        raise crypto.Corrupt(_("%(name)s: unsafe path in the archive") % {"name": name})
    return root.joinpath(*pure.parts)


def read(
    stream: BinaryIO,
    *,
    manifest: dict[str, Any],
    key: bytes,
    extract_to: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReadResult:
    """Decrypt, decompress and walk the archive, checking every file against the manifest;
    with extract_to, also write each file there.

    Long because decryption, decompression and the tar walk are one stream, with the checks
    that must see it whole."""
    result = ReadResult()
    expected = {f["name"]: f for f in manifest.get("files", [])}
    seen: set[str] = set()
    hashed_in = _Hashing(stream)
    damaged = False
    try:
        decrypting = crypto.DecryptingReader(hashed_in, key, ARCHIVE)  # type: ignore[arg-type]
        decompressed = zstandard.ZstdDecompressor().stream_reader(
            decrypting,  # type: ignore[arg-type]
            read_size=_BLOCK,
        )
        with tarfile.open(fileobj=decompressed, mode="r|") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                source = tar.extractfile(member)
                if source is None:
                    continue
                sha = hashlib.sha256()
                out = None
                if extract_to is not None:
                    target = _safe_target(extract_to, member.name)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    out = target.open("wb")
                try:
                    while block := source.read(_BLOCK):
                        sha.update(block)
                        if out is not None:
                            out.write(block)
                        if progress:
                            progress(len(block))
                finally:
                    if out is not None:
                        out.close()
                seen.add(member.name)
                result.files_checked += 1
                want = expected.get(member.name)
                if want is None:
                    result.problems.append(f"{member.name}: in the archive but not in the manifest")
                elif want["sha256"] != sha.hexdigest() or want["size"] != member.size:
                    result.problems.append(f"{member.name}: sha256 does not match the manifest")
    except (crypto.Corrupt, zstandard.ZstdError, tarfile.TarError, EOFError) as exc:
        damaged = True
        result.problems.append(str(exc) if isinstance(exc, crypto.Corrupt) else f"{ARCHIVE}: {exc}")
    while hashed_in.read(_BLOCK):  # finish the whole-file checksum even after a failure
        pass
    result.bytes_read = hashed_in.size
    archive_info = manifest.get("archive", {})
    if hashed_in.sha.hexdigest() != archive_info.get("sha256"):
        result.problems.append(
            f"{ARCHIVE}: sha256 does not match the manifest "
            f"({hashed_in.size} bytes read, {archive_info.get('size')} recorded)"
        )
    unread = sorted(set(expected) - seen)
    if damaged and unread:
        result.problems.append(f"{len(unread)} files after the damage could not be read")
    else:
        result.problems.extend(f"{name}: missing from the archive" for name in unread)
    return result
