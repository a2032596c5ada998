"""Signed checkpoints: (seq, head hash) signed with an Ed25519 key kept outside the database,
appended to a log outside the database. They catch what a chain alone cannot: a history
rewritten with every later hash recomputed, and a cut of the newest entries.

The private key file is created on first use with mode 0600; its public half is written
beside the checkpoint log (`journal-public-key.pem`) and travels with every backup and copy
of the log, so any copy verifies without the private key. The log is JSON Lines, one
checkpoint per line, fsynced; a line that is not a checkpoint fails `journal verify` (a log
an attacker garbled must not pass for one a crash tore). Each checkpoint is also copied to
every backup destination as it is made (journal/copies.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from caseledger.core import clock
from caseledger.core.durable import write_atomically
from caseledger.journal.canonical import format_time

# Beside every checkpoint log (live, in a backup, in a restored copy): the public half of
# the signing key, which is all a verification needs. The private key never travels.
PUBLIC_KEY_NAME = "journal-public-key.pem"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    key_id: str
    signature: str
    source: str = ""
    line: int = 0
    # A restore record: the journal was restored to this head from backup `restored`; what
    # checkpoints signed before it say about later entries belongs to the abandoned history.
    restored: str = ""

    def message(self) -> bytes:
        if self.restored:
            return (
                f"caseledger-restore:v1:{self.seq}:{self.hash}:{self.at}:{self.restored}".encode()
            )
        return f"caseledger-checkpoint:v1:{self.seq}:{self.hash}:{self.at}".encode()


def _key_path() -> Path:
    return Path(settings.JOURNAL_SIGNING_KEY_FILE)


def log_path() -> Path:
    return Path(settings.JOURNAL_CHECKPOINT_LOG)


def load_private_key(create: bool = True) -> Ed25519PrivateKey:
    path = _key_path()
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"journal signing key not found at {path}")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return loaded


def public_key_path(log: Path | None = None) -> Path:
    """Where the public key lives: beside the checkpoint log it verifies."""
    return (log or log_path()).parent / PUBLIC_KEY_NAME


def fingerprint(key: Ed25519PublicKey) -> str:
    """sha256 of the raw public key, hex; its first 16 digits are the key id."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def write_public_key(key: Ed25519PublicKey, path: Path) -> Path:
    """The public key as PEM, whole or absent after a crash. Never the private key."""
    write_atomically(path, public_pem(key))
    return path


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey
    source: str  # the file it was read from, or "derived from <private key file>"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)


def load_public_key(log: Path | None = None) -> PublicKey:
    """The key that checks the signatures of `log`: the public-key file beside it, else the
    one derived from the private signing key (this installation's own). Verification never
    needs more, so a restored copy verifies with the key that came with its backup."""
    beside = public_key_path(log)
    if beside.is_file():
        loaded = serialization.load_pem_public_key(beside.read_bytes())
        if not isinstance(loaded, Ed25519PublicKey):
            raise ValueError(f"{beside} is not an Ed25519 public key")
        return PublicKey(loaded, str(beside))
    try:
        private = load_private_key(create=False)
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"journal public key not found at {beside}, and no signing key at {_key_path()}"
        ) from exc
    return PublicKey(private.public_key(), f"derived from {_key_path()}")


def own_public_key() -> Ed25519PublicKey | None:
    """This installation's public key, derived from its private key; None without one."""
    try:
        return load_private_key(create=False).public_key()
    except FileNotFoundError:
        return None


def public_key() -> Ed25519PublicKey:
    return load_public_key().key


def ship_public_key(folder: Path) -> str | None:
    """Put this installation's public key in `folder` (a backup's or a copy's checkpoints
    folder, beside its log); returns its fingerprint, or None when there is no key yet."""
    try:
        found = load_public_key()
    except FileNotFoundError:
        return None
    write_public_key(found.key, folder / PUBLIC_KEY_NAME)
    return found.fingerprint


def key_id(key: Ed25519PublicKey) -> str:
    return fingerprint(key)[:16]


def sign(seq: int, head_hash: str, at: dt.datetime | None = None, restored: str = "") -> Checkpoint:
    """Sign (seq, head hash). Refused (Conflict) when the journal no longer extends the
    newest checkpoint this signer signed (journal/witness.py), unless this is the record of
    a restore, which abandons the later history on purpose."""
    from django.utils.translation import gettext

    from caseledger.core.errors import Conflict
    from caseledger.journal import witness

    if not restored and (found := witness.broken(seq)) is not None:
        raise Conflict(
            gettext("refusing to sign the journal head: %(problem)s")
            % {"problem": gettext(found.msgid) % found.params},
            field="journal",
            code="journal_tampered",
        )
    key = load_private_key(create=not restored)
    beside = public_key_path()
    if not beside.is_file():  # installations older than the file get it at the next checkpoint
        write_public_key(key.public_key(), beside)
    at_text = format_time(at or clock.now())
    unsigned = Checkpoint(
        seq=seq, hash=head_hash, at=at_text, key_id="", signature="", restored=restored
    )
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    witness.remember(seq, head_hash, at_text)
    return Checkpoint(
        seq=seq,
        hash=head_hash,
        at=at_text,
        key_id=key_id(key.public_key()),
        signature=signature,
        restored=restored,
    )


def to_line(checkpoint: Checkpoint) -> bytes:
    """The checkpoint as one line of the log (JSON, newline-terminated)."""
    item: dict[str, object] = {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "at": checkpoint.at,
        "key_id": checkpoint.key_id,
        "sig": checkpoint.signature,
    }
    if checkpoint.restored:
        item["restored"] = checkpoint.restored
    line = json.dumps(item, separators=(",", ":"))
    return (line + "\n").encode()


def append_to_log(checkpoint: Checkpoint, path: Path | None = None) -> Path:
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, to_line(checkpoint))
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


@dataclass(frozen=True)
class LogRead:
    checkpoints: list[Checkpoint]
    unreadable: list[str]
    exists: bool = True
    source: str = ""


def parse(text: str, source: str) -> LogRead:
    """Every checkpoint of a log's text, and a note naming each line that is not one."""
    found: list[Checkpoint] = []
    bad: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            found.append(
                Checkpoint(
                    seq=int(item["seq"]),
                    hash=str(item["hash"]),
                    at=str(item["at"]),
                    key_id=str(item["key_id"]),
                    signature=str(item["sig"]),
                    source=source,
                    line=number,
                    restored=str(item.get("restored") or ""),
                )
            )
        except (ValueError, KeyError, TypeError):
            bad.append(f"{source}:{number}: not a checkpoint")
    return LogRead(found, bad, exists=True, source=source)


def last_in_log(path: Path | None = None) -> Checkpoint | None:
    """The newest checkpoint of the log, read from its tail (the log only grows)."""
    path = path or log_path()
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - 4096))
            tail = fh.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    found = parse(tail.split("\n", 1)[1] if size > 4096 else tail, str(path)).checkpoints
    return found[-1] if found else None


def read_log(path: Path | None = None) -> LogRead:
    path = path or log_path()
    if not path.exists():
        return LogRead([], [], exists=False, source=str(path))
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return LogRead([], [f"{path}: unreadable ({exc})"], exists=True, source=str(path))
    return parse(text, str(path))


def signature_valid(checkpoint: Checkpoint, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True
