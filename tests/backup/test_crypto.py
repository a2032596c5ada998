"""The chunked encryption: round trips, and every kind of damage is named."""

from __future__ import annotations

import io
import os

import pytest

from caseledger.backup import crypto

KEY = os.urandom(32)


def _encrypt(data: bytes, key: bytes = KEY) -> bytes:
    sink = io.BytesIO()
    writer = crypto.EncryptingWriter(sink, key)
    for start in range(0, len(data), 70_000):  # odd-sized writes across chunk borders
        writer.write(data[start : start + 70_000])
    writer.close()
    return sink.getvalue()


def _decrypt(blob: bytes, key: bytes = KEY) -> bytes:
    reader = crypto.DecryptingReader(io.BytesIO(blob), key, "archive.tar.zst.enc")
    out = bytearray()
    while block := reader.read(10240):
        out += block
    return bytes(out)


@pytest.mark.parametrize("size", [0, 1, crypto.CHUNK, crypto.CHUNK * 3 + 17])
def test_what_goes_in_comes_out(size):
    data = os.urandom(size)
    blob = _encrypt(data)
    assert size < 1024 or data[:1024] not in blob
    assert _decrypt(blob) == data


def test_a_flipped_byte_is_named_by_chunk_and_file():
    blob = bytearray(_encrypt(os.urandom(crypto.CHUNK * 2 + 5)))
    blob[len(blob) - 100] ^= 0x01  # in chunk 1: chunk 2 holds only the last 5 bytes
    with pytest.raises(crypto.Corrupt, match=r"archive.tar.zst.enc: chunk 1 at byte \d+ fails"):
        _decrypt(bytes(blob))


def test_a_cut_file_is_caught_even_at_a_chunk_border():
    blob = _encrypt(os.urandom(crypto.CHUNK * 2 + 5))
    first_two = 29 + 2 * (4 + crypto.CHUNK + 16)
    with pytest.raises(crypto.Corrupt, match="cut short"):
        _decrypt(blob[:first_two])


def test_another_key_is_refused_by_name():
    blob = _encrypt(b"records")
    with pytest.raises(crypto.Corrupt, match="another backup key"):
        _decrypt(blob, os.urandom(32))


def test_the_key_file_is_created_private(settings, tmp_path):
    settings.BACKUP_KEY = None
    settings.BACKUP_KEY_FILE = tmp_path / "keys" / "backup.key"
    key = crypto.load_key()
    assert len(key) == 32
    assert (settings.BACKUP_KEY_FILE.stat().st_mode & 0o777) == 0o600
    assert crypto.load_key() == key
