"""Encrypting backups in chunks. Dangerous module: a mistake here makes every backup unreadable,
or readable by the wrong people.

Guarantees: a backup file is AES-256-GCM in 1 MiB chunks, so memory stays flat whatever the
size. Each file gets its own key (HKDF of the backup key with a random salt), so chunk
numbers are safe nonces. Every chunk authenticates the header, its number and whether it is
the last one: an altered, reordered, dropped or cut chunk fails to decrypt, and the error says
which chunk and where. The backup key itself never goes into a backup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.core.errors import ValidationFailed

MAGIC = b"CLBK\x01"
CHUNK = 1024 * 1024
_SALT = 16
_KEY_ID = 8
_HEADER = len(MAGIC) + _SALT + _KEY_ID
_TAG = 16


class Corrupt(Exception):
    """A backup file that does not decrypt or does not match its checksum."""


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ValidationFailed(
            _("%(where)s is not base64") % {"where": where}, field="backup_key"
        ) from exc
    if len(key) != 32:
        raise ValidationFailed(
            _("%(where)s must hold 32 bytes (base64), it holds %(count)s")
            % {"where": where, "count": len(key)},
            field="backup_key",
        )
    return key


def load_key(create: bool = True) -> bytes:
    """The backup key: CASELEDGER_BACKUP_KEY, else the key file (created 0600 on first use)."""
    if settings.BACKUP_KEY:
        return _decode_key(settings.BACKUP_KEY, "CASELEDGER_BACKUP_KEY")
    path = Path(settings.BACKUP_KEY_FILE)
    if not path.exists():
        if not create:
            raise ValidationFailed(
                _("backup key file %(path)s does not exist") % {"path": path}, field="backup_key"
            )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.b64encode(os.urandom(32)).decode() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    return _decode_key(path.read_text(encoding="ascii"), str(path))


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"caseledger-backup-key-id" + key).hexdigest()[:16]


def _derive(key: bytes, salt: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=purpose).derive(key)


def mac(key: bytes, body: bytes) -> str:
    """The manifest's seal: only a holder of the backup key can write a valid one."""
    return hmac.new(_derive(key, b"", b"caseledger-manifest-v1"), body, "sha256").hexdigest()


def _nonce(index: int) -> bytes:
    return b"\0\0\0\0" + struct.pack(">Q", index)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", index, last)


class EncryptingWriter:
    """A write-only file object: plaintext in, encrypted chunks out to `sink`."""

    def __init__(self, sink: BinaryIO, key: bytes) -> None:
        salt = os.urandom(_SALT)
        self._header = MAGIC + salt + bytes.fromhex(key_id(key))
        self._aead = AESGCM(_derive(key, salt, b"caseledger-backup-file-v1"))
        self._sink = sink
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        sink.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep one chunk back: it may turn out to be the last
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(
            _nonce(self._index), plain, _aad(self._header, self._index, last)
        )
        self._sink.write(struct.pack(">I", len(sealed)) + sealed)
        self._index += 1

    def flush(self) -> None:
        self._sink.flush()

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


class DecryptingReader:
    """A read-only file object over an encrypted backup file; raises Corrupt naming the chunk."""

    def __init__(self, source: BinaryIO, key: bytes, name: str) -> None:
        self._source = source
        self._name = name
        header = self._read_exact(_HEADER, None)
        if not header.startswith(MAGIC):
            raise Corrupt(_("%(name)s: not a caseledger backup file (bad header)") % {"name": name})
        if header[-_KEY_ID:].hex() != key_id(key):
            raise Corrupt(
                _(
                    "%(name)s: encrypted with another backup key (key id %(found)s, this key is %(key)s)"
                )
                % {"name": name, "found": header[-_KEY_ID:].hex(), "key": key_id(key)}
            )
        self._header = header
        self._aead = AESGCM(
            _derive(key, header[len(MAGIC) : -_KEY_ID], b"caseledger-backup-file-v1")
        )
        self._index = 0
        self._offset = _HEADER
        self._done = False
        self._buffer = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def _read_exact(self, size: int, chunk: int | None) -> bytes:
        """`size` bytes of the header (chunk None) or of a chunk, or Corrupt if cut short."""
        data = self._source.read(size)
        if len(data) != size:
            message = (
                _("%(name)s: cut short while reading the header")
                if chunk is None
                else _("%(name)s: cut short while reading chunk %(chunk)s")
            )
            raise Corrupt(message % {"name": self._name, "chunk": chunk})
        return data

    def _next_chunk(self) -> bytes:
        at = self._offset
        length_bytes = self._source.read(4)
        if not length_bytes:
            raise Corrupt(
                _("%(name)s: cut short: the last chunk is missing") % {"name": self._name}
            )
        if len(length_bytes) != 4:
            raise Corrupt(
                _("%(name)s: cut short in chunk %(chunk)s at byte %(at)s")
                % {"name": self._name, "chunk": self._index, "at": at}
            )
        (length,) = struct.unpack(">I", length_bytes)
        if length < _TAG or length > CHUNK + _TAG:
            raise Corrupt(
                _("%(name)s: chunk %(chunk)s at byte %(at)s has an impossible length")
                % {"name": self._name, "chunk": self._index, "at": at}
            )
        sealed = self._read_exact(length, self._index)
        self._offset += 4 + length
        for last in (False, True):
            try:
                plain = self._aead.decrypt(
                    _nonce(self._index), sealed, _aad(self._header, self._index, last)
                )
            except InvalidTag:
                continue
            self._index += 1
            if last:
                self._done = True
                if self._source.read(1):
                    raise Corrupt(_("%(name)s: data after the last chunk") % {"name": self._name})
            return plain
        raise Corrupt(
            _("%(name)s: chunk %(chunk)s at byte %(at)s fails authentication (altered or corrupt)")
            % {"name": self._name, "chunk": self._index, "at": at}
        )

    def read(self, size: int = -1) -> bytes:
        # A position into the current chunk, not slicing it off: tar reads in small blocks.
        parts: list[bytes] = []
        wanted = size
        while wanted != 0:
            if self._pos >= len(self._buffer):
                if self._done:
                    break
                self._buffer, self._pos = self._next_chunk(), 0
                continue
            end = len(self._buffer) if wanted < 0 else min(len(self._buffer), self._pos + wanted)
            parts.append(self._buffer[self._pos : end])
            if wanted > 0:
                wanted -= end - self._pos
            self._pos = end
        return b"".join(parts)
