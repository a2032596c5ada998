"""The vault's keys. Dangerous module: lose the key file and every encrypted value is gone;
leak it and every value is readable.

Guarantees: keys live outside the database and the repository, in one of
  - the environment variable CASELEDGER_VAULT_KEYS (the key ring's JSON; read-only), or
  - the key file settings.VAULT_KEYS_FILE (CASELEDGER_VAULT_KEYS_FILE, default
    DATA_DIR/keys/vault-keys.json), created 0600 on first use with one active key.
A key file that others may read is refused. Keys never appear in a repr, an error or a log.
Keys are only ever added, never removed here: a value under a key that is gone is lost.

The ring: encryption keys by id (one of them active, the one new values use) and a separate
blind-index key, which rotation does not change (a new index key would need every index
rebuilt from plaintext; see docs/operations/keys.md).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import stat
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.core import clock
from caseledger.core.errors import CaseledgerError

ENV_KEYS = "CASELEDGER_VAULT_KEYS"
KEY_BYTES = 32  # AES-256-GCM; HMAC-SHA256


class KeyRingError(CaseledgerError):
    code = "vault_keys"
    http_status = 500


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    keys: Mapping[str, bytes] = field(repr=False)
    index_key: bytes = field(repr=False)
    created: Mapping[str, str] = field(default_factory=dict)
    source: str = ""  # "env" or the file path; for messages

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyRingError(
                _(
                    "vault key '%(key)s' is not in the key ring (%(source)s); restore it from "
                    "the key backup (docs/operations/keys.md)"
                )
                % {"key": key_id, "source": self.source},
                code="vault_key_missing",
            ) from None

    @property
    def writable(self) -> bool:
        return self.source != "env"


def new_key_id() -> str:
    return f"k{clock.now():%Y%m%d}-{secrets.token_hex(3)}"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _secret(text: Any, key_id: str | None, source: str) -> bytes:
    """A key's secret (key_id None: the index key), or KeyRingError naming which key."""
    try:
        raw = base64.b64decode(str(text), validate=True)
    except ValueError:
        raw = b""
    if len(raw) != KEY_BYTES:
        message = (
            _("the index key in %(source)s is not %(bytes)s bytes of base64")
            if key_id is None
            else _("key '%(key)s' in %(source)s is not %(bytes)s bytes of base64")
        )
        raise KeyRingError(message % {"key": key_id, "source": source, "bytes": KEY_BYTES})
    return raw


def parse(text: str, source: str) -> KeyRing:
    try:
        data = json.loads(text)
        entries = data["keys"]
        active = data["active"]
        index_text = data["index_key"]
    except (ValueError, KeyError, TypeError):
        raise KeyRingError(
            _("the vault key ring in %(source)s is not JSON with 'active', 'keys' and 'index_key'")
            % {"source": source}
        ) from None
    keys: dict[str, bytes] = {}
    created: dict[str, str] = {}
    for i, entry in enumerate(entries):
        key_id = str(entry.get("id", ""))
        if not key_id or ":" in key_id or key_id in keys:
            raise KeyRingError(
                _("key #%(number)s in %(source)s has a missing, repeated or bad id")
                % {"number": i + 1, "source": source}
            )
        keys[key_id] = _secret(entry.get("secret"), key_id, source)
        created[key_id] = str(entry.get("created", ""))
    if active not in keys:
        raise KeyRingError(
            _("the active key '%(key)s' is not one of the keys in %(source)s")
            % {"key": active, "source": source}
        )
    index_key = _secret(index_text, None, source)
    return KeyRing(active, keys, index_key, created, source)


def dump(ring: KeyRing) -> str:
    return json.dumps(
        {
            "format": 1,
            "active": ring.active_id,
            "keys": [
                {"id": k, "secret": _b64(v), "created": ring.created.get(k, "")}
                for k, v in ring.keys.items()
            ],
            "index_key": _b64(ring.index_key),
        },
        indent=2,
    )


def generate() -> KeyRing:
    key_id = new_key_id()
    return KeyRing(
        key_id,
        {key_id: secrets.token_bytes(KEY_BYTES)},
        secrets.token_bytes(KEY_BYTES),
        {key_id: clock.now().isoformat()},
    )


# ---- the key file ---------------------------------------------------------------------------


def key_file() -> Path:
    return Path(settings.VAULT_KEYS_FILE)


def _write_new(path: Path, text: str, *, replace: bool = False) -> None:
    """Write a 0600 file next to `path`, fsync it, then move it into place: `replace` an
    existing file atomically, or else link it in, which fails if the file already exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _create_if_missing(path: Path) -> None:
    if path.exists():
        return
    with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
        _write_new(path, dump(generate()))


def _read_file(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyRingError(
            _(
                "the vault key file %(path)s may be read by others (mode %(mode)s); run chmod 600 %(path)s"
            )
            % {"path": path, "mode": stat.filemode(mode)}
        )
    return path.read_text(encoding="utf-8")


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path.with_name(path.name + ".lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


# ---- loading, cached while the source is unchanged ------------------------------------------

_cache: dict[tuple, KeyRing] = {}
_cache_lock = threading.Lock()


def load() -> KeyRing:
    env_text = os.environ.get(ENV_KEYS)
    if env_text:
        signature: tuple = ("env", hashlib.sha256(env_text.encode()).hexdigest())
        with _cache_lock:
            if signature not in _cache:
                _cache.clear()
                _cache[signature] = parse(env_text, "env")
            return _cache[signature]
    # Called for every value encrypted: one stat of the file, no pathlib, while unchanged.
    name = os.fspath(settings.VAULT_KEYS_FILE)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        with _file_lock(Path(name)):
            _create_if_missing(Path(name))
        info = os.stat(name)
    signature = ("file", name, info.st_mtime_ns, info.st_size, info.st_ino, info.st_mode)
    with _cache_lock:
        if signature not in _cache:
            _cache.clear()
            _cache[signature] = parse(_read_file(Path(name)), name)
        return _cache[signature]


def key_add() -> KeyRing:
    """Add a new key and make it the active one. Old keys stay: their values still need them
    until `caseledger keys rotate` has moved every value to the new key."""
    if os.environ.get(ENV_KEYS):
        raise KeyRingError(
            _("the keys come from %(variable)s; add the new key there (docs/operations/keys.md)")
            % {"variable": ENV_KEYS},
            code="vault_keys_read_only",
        )
    path = key_file()
    with _file_lock(path):
        _create_if_missing(path)
        ring = parse(_read_file(path), str(path))
        key_id = new_key_id()
        while key_id in ring.keys:
            key_id = new_key_id()
        grown = KeyRing(
            key_id,
            {**ring.keys, key_id: secrets.token_bytes(KEY_BYTES)},
            ring.index_key,
            {**ring.created, key_id: clock.now().isoformat()},
            ring.source,
        )
        _write_new(path, dump(grown), replace=True)
    return load()


def created_at(ring: KeyRing, key_id: str) -> dt.datetime | None:
    text = ring.created.get(key_id)
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
