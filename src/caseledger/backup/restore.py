"""Restoring a backup into a new place, and checking what came back. Dangerous module: a
restore over the wrong database destroys the records it was meant to save.

Guarantees: a restore always lands in a new place first (a staging folder, a new database),
is checked there (every file against the sealed manifest, the journal chain against the
checkpoint log that came with the backup, its head and row counts against the manifest) and
only then moved to its target. It never touches the live database unless asked to replace it;
even then the live database is swapped out only after the restored copy has passed every
check, and the live SQLite file is kept beside as `*.before-restore-<snapshot>`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection, connections
from django.utils.translation import gettext as _

from caseledger.backup import crypto, tarball
from caseledger.backup.destinations import Destination
from caseledger.backup.snapshot import pg_connect, pg_params
from caseledger.core.errors import Conflict, NotFound, ValidationFailed

SQLITE_SUFFIXES = {".sqlite3", ".sqlite", ".db"}


@dataclass
class Restored:
    """What a restore or drill found in the restored copy."""

    snapshot_id: str
    destination: str
    manifest: dict[str, Any]
    target: str = ""
    files_dir: str = ""
    problems: list[str] = field(default_factory=list)
    probe: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        counts = self.probe.get("counts", {})
        verify = self.probe.get("verify", {})
        return {
            "ok": self.ok,
            "snapshot": self.snapshot_id,
            "destination": self.destination,
            "target": self.target,
            "files": self.files_dir,
            "records": sum(v for v in counts.values() if isinstance(v, int)),
            "counts": counts,
            "journal": {
                "entries": verify.get("entries"),
                "head_seq": verify.get("head_seq"),
                "head_hash": verify.get("head_hash"),
                "checkpoints_checked": verify.get("checkpoints_checked"),
            },
            "seconds": round(self.seconds, 2),
            "problems": self.problems,
        }


def latest(destination: Destination) -> str:
    ids = destination.snapshot_ids()
    if not ids:
        raise NotFound(
            _("%(destination)s holds no complete backup") % {"destination": destination.name},
            field="from",
        )
    return ids[-1]


def manifest_of(destination: Destination, snapshot_id: str, key: bytes) -> dict[str, Any]:
    manifest, problems = tarball.parse_manifest(destination.read_manifest(snapshot_id), key)
    if problems or manifest is None:
        raise ValidationFailed(
            _("backup %(snapshot)s at %(destination)s: %(problems)s")
            % {
                "snapshot": snapshot_id,
                "destination": destination.name,
                "problems": "; ".join(problems),
            },
            field="snapshot",
        )
    return manifest


def verify_backup(destination: Destination, snapshot_id: str) -> dict[str, Any]:
    """Re-read every file of one backup at one destination; name every bad file."""
    key = crypto.load_key(create=False)
    started = time.monotonic()
    raw = destination.read_manifest(snapshot_id)
    manifest, problems = tarball.parse_manifest(raw, key)
    result = tarball.ReadResult(problems=list(problems))
    if manifest is not None and not problems:
        with destination.open_archive(snapshot_id) as stream:
            result = tarball.read(stream, manifest=manifest, key=key)
    return {
        "ok": result.ok,
        "snapshot": snapshot_id,
        "destination": destination.name,
        "location": destination.describe(),
        "files_checked": result.files_checked,
        "bytes_read": result.bytes_read,
        "journal_head_seq": (manifest or {}).get("journal", {}).get("head_seq"),
        "problems": result.problems,
        "seconds": round(time.monotonic() - started, 2),
    }


def _fetch(destination: Destination, snapshot_id: str, key: bytes, into: Path) -> Restored:
    manifest = manifest_of(destination, snapshot_id, key)
    into.mkdir(parents=True)
    with destination.open_archive(snapshot_id) as stream:
        read = tarball.read(stream, manifest=manifest, key=key, extract_to=into)
    return Restored(snapshot_id, destination.name, manifest, problems=list(read.problems))


def probe_restored(env: dict[str, str], log: Path, sample: dict[str, list[Any]]) -> dict[str, Any]:
    request = json.dumps({"checkpoint_logs": [str(log)], "sample": sample})
    done = subprocess.run(
        [sys.executable, "-m", "caseledger.backup.probe", request],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or [_("no output")]
        raise RuntimeError(_("inspecting the restored copy failed: %(said)s") % {"said": tail[0]})
    return json.loads(done.stdout)


def probe_env(*, data_dir: Path, database_url: str | None, log: Path) -> dict[str, str]:
    """The environment of a process pointed at a restored copy. The copy verifies with the
    public key that came with it, beside its checkpoint log; the live private key is lent
    only to a copy from a backup older than that (which carries no public key)."""
    from caseledger.journal.checkpoints import public_key_path

    key_file = (
        data_dir / "keys" / "journal-ed25519.pem"
        if public_key_path(log).is_file()
        else settings.JOURNAL_SIGNING_KEY_FILE
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "CASELEDGER_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "caseledger.settings.production",
            "CASELEDGER_DATA_DIR": str(data_dir),
            "CASELEDGER_JOURNAL_KEY_FILE": str(key_file),
            "CASELEDGER_CHECKPOINT_LOG": str(log),
            "CASELEDGER_SECRET_KEY": "probe-" + secrets.token_hex(8),
            "CASELEDGER_LOG_LEVEL": "ERROR",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def check_restored(restored: Restored) -> None:
    verify = restored.probe.get("verify", {})
    journal = restored.manifest.get("journal", {})
    for problem in verify.get("problems", []):
        where = f"entry #{problem['seq']}" if problem.get("seq") is not None else "journal"
        restored.problems.append(
            f"restored journal: {where}: {problem['kind']}: {problem['detail']}"
        )
    if (verify.get("head_seq"), verify.get("head_hash")) != (
        journal.get("head_seq"),
        journal.get("head_hash"),
    ):
        restored.problems.append(
            f"restored journal ends at #{verify.get('head_seq')} but the manifest records "
            f"#{journal.get('head_seq')} ({journal.get('head_hash', '')[:12]}…)"
        )
    counts = restored.probe.get("counts", {})
    for table, expected in restored.manifest.get("counts", {}).items():
        if counts.get(table) != expected:
            restored.problems.append(
                f"table {table}: {counts.get(table)} rows restored, the manifest records {expected}"
            )


def is_postgres(text: str) -> bool:
    return text.startswith(("postgres://", "postgresql://"))


def live_sqlite_path() -> Path | None:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return Path(db["NAME"]).resolve()
    return None


def restore(
    *,
    destination: Destination,
    snapshot_id: str | None,
    to: str,
    files_to: str | None = None,
    replace: bool = False,
    sample: dict[str, list[Any]] | None = None,
) -> Restored:
    """Restore one backup to `to`: a data directory or SQLite file, or a PostgreSQL URL."""
    started = time.monotonic()
    key = crypto.load_key(create=False)
    snapshot_id = snapshot_id or latest(destination)
    engine = manifest_of(destination, snapshot_id, key)["engine"]
    if is_postgres(to):
        if engine != "postgresql":
            raise ValidationFailed(
                _("backup %(snapshot)s is of a SQLite database; restore it to a directory")
                % {"snapshot": snapshot_id},
                field="to",
            )
        restored = _restore_postgres(destination, snapshot_id, key, to, files_to, replace, sample)
    else:
        if engine != "sqlite":
            raise ValidationFailed(
                _(
                    "backup %(snapshot)s is of a PostgreSQL database; restore it to a postgres:// URL"
                )
                % {"snapshot": snapshot_id},
                field="to",
            )
        restored = _restore_sqlite(destination, snapshot_id, key, Path(to), replace, sample)
    if not restored.problems and restored.target:
        # Erased data stays erased: dispose again of what was disposed of after the backup.
        from caseledger.backup.reapply import after_restore

        try:
            restored.probe["dispositions"] = after_restore(restored, to)
        except RuntimeError as exc:
            restored.problems.append(str(exc))
    restored.seconds = time.monotonic() - started
    return restored


def mark_restored(restored: Restored) -> str:
    """Sign a restore record at the restored head into the restored checkpoint log and its
    copies at every destination: checkpoints signed before it about later entries describe
    the history this restore abandons, and `journal verify` leaves them out (noted) instead
    of reporting the journal cut. Not for drills (scratch copies). Returns a note."""
    from caseledger.journal import checkpoints, copies

    verify = restored.probe.get("verify") or {}
    if not restored.ok or not restored.files_dir or verify.get("head_seq") is None:
        return ""
    try:
        record = checkpoints.sign(
            int(verify["head_seq"]), str(verify["head_hash"]), restored=restored.snapshot_id
        )
    except FileNotFoundError:
        return (
            "no journal signing key here: the restore is not recorded in the checkpoint log; "
            "verify the restored journal with `journal verify --no-copies`"
        )
    checkpoints.append_to_log(record, Path(restored.files_dir) / tarball.CHECKPOINT_LOG)
    failed = copies.copy(record)
    return f"restore recorded in the checkpoint log at #{record.seq}" + (
        f" (not copied to: {'; '.join(failed)})" if failed else ""
    )


def _sqlite_layout(to: Path) -> tuple[Path, Path]:
    """(database file, data directory) for a --to that names either."""
    to = to.expanduser().resolve()
    if to.suffix in SQLITE_SUFFIXES:
        return to, to.parent
    return to / "caseledger.sqlite3", to


def sqlite_target(to: Path, replace: bool) -> tuple[Path, Path, bool]:
    """(database file, data directory, is it the live database) for a SQLite restore to
    `to`; refuses an existing or live target unless `replace`. Shared with the replica
    restore (caseledger.backup.replication)."""
    db_path, data_dir = _sqlite_layout(to)
    live = live_sqlite_path()
    is_live = live is not None and db_path == live
    if is_live and not replace:
        raise Conflict(
            _("%(path)s is the live database: restore somewhere new, or pass --replace --yes")
            % {"path": db_path},
            field="to",
        )
    if db_path.exists() and not replace:
        raise Conflict(
            _("%(path)s already exists; choose a new place") % {"path": db_path}, field="to"
        )
    if not replace and any((data_dir / d).exists() for d in ("attachments", "checkpoints")):
        raise Conflict(
            _("%(path)s already holds caseledger files; choose a new place") % {"path": data_dir},
            field="to",
        )
    return db_path, data_dir, is_live


def _restore_sqlite(
    destination: Destination,
    snapshot_id: str,
    key: bytes,
    to: Path,
    replace: bool,
    sample: dict[str, list[Any]] | None,
) -> Restored:
    db_path, data_dir, is_live = sqlite_target(to, replace)
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = data_dir / f".restoring-{snapshot_id}-{secrets.token_hex(3)}"
    try:
        restored = _fetch(destination, snapshot_id, key, staging)
        if restored.problems:
            return restored
        staged_db = staging / "caseledger.sqlite3"
        os.rename(staging / "database" / "caseledger.sqlite3", staged_db)
        log = staging / tarball.CHECKPOINT_LOG
        restored.probe = probe_restored(
            probe_env(data_dir=staging, database_url=None, log=log), log, sample or {}
        )
        check_restored(restored)
        if restored.problems:
            return restored
        install_sqlite(staging, staged_db, db_path, data_dir, snapshot_id, is_live)
        restored.target = str(db_path)
        restored.files_dir = str(data_dir)
        return restored
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install_sqlite(
    staging: Path, staged_db: Path, db_path: Path, data_dir: Path, snapshot_id: str, is_live: bool
) -> None:
    for suffix in ("-wal", "-shm"):  # a checked copy: drop what the probe's connection left
        Path(f"{staged_db}{suffix}").unlink(missing_ok=True)
    if is_live:
        connections.close_all()
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.name}.before-restore-{snapshot_id}")
        os.rename(db_path, aside)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.rename(staged_db, db_path)
    _install_files(staging, data_dir, snapshot_id)


def _install_files(staging: Path, data_dir: Path, snapshot_id: str) -> None:
    """Attachments are content-addressed: add the missing ones, never remove any. The
    restored checkpoint log replaces the old one, which is kept beside."""
    attachments = staging / "attachments"
    if attachments.is_dir():
        for source in attachments.rglob("*"):
            if source.is_file():
                target = data_dir / "attachments" / source.relative_to(attachments)
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(source, target)
    from caseledger.archive.backup import install_files  # segments, added if missing

    install_files(staging / "archive", data_dir)
    log_target = data_dir / tarball.CHECKPOINT_LOG
    log_target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if log_target.exists():
        os.rename(
            log_target, log_target.with_name(f"checkpoints.before-restore-{snapshot_id}.jsonl")
        )
    os.rename(staging / tarball.CHECKPOINT_LOG, log_target)
    if (staging / tarball.PUBLIC_KEY).is_file():  # what verifies that log, without the live key
        os.replace(staging / tarball.PUBLIC_KEY, data_dir / tarball.PUBLIC_KEY)


def _restore_postgres(
    destination: Destination,
    snapshot_id: str,
    key: bytes,
    to: str,
    files_to: str | None,
    replace: bool,
    sample: dict[str, list[Any]] | None,
) -> Restored:
    """Restore a snapshot into a PostgreSQL database. Long because the scratch database,
    the staged files and their clean-up on failure share one try/finally."""
    target: dict[str, Any] = dict(dj_database_url.parse(to))
    live = connection.settings_dict
    same_server = (target.get("HOST") or "127.0.0.1", str(target.get("PORT") or 5432)) == (
        live.get("HOST") or "127.0.0.1",
        str(live.get("PORT") or 5432),
    )
    is_live = connection.vendor == "postgresql" and same_server and target["NAME"] == live["NAME"]
    if is_live and not replace:
        raise Conflict(
            _(
                "database %(name)s is the live database: restore into a new database, "
                "or pass --replace --yes"
            )
            % {"name": target["NAME"]},
            field="to",
        )
    with pg_connect(target, dbname="postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target["NAME"]]
        ).fetchone()
    if exists and not replace:
        raise Conflict(
            _("database %(name)s already exists; name a new one") % {"name": target["NAME"]},
            field="to",
        )
    files_dir = (
        Path(files_to or Path(settings.DATA_DIR) / "restored" / snapshot_id).expanduser().resolve()
    )
    scratch_name = (
        f"{target['NAME']}_restoring_{secrets.token_hex(3)}" if exists else target["NAME"]
    )
    files_dir.mkdir(parents=True, exist_ok=True)
    staging = files_dir / f".restoring-{snapshot_id}-{secrets.token_hex(3)}"
    created = False
    try:
        restored = _fetch(destination, snapshot_id, key, staging)
        if restored.problems:
            return restored
        with pg_connect(target, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{scratch_name}"')
        created = True
        args, env = pg_params(target)
        done = subprocess.run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "-d",
                scratch_name,
                str(staging / "database" / "caseledger.dump"),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            restored.problems.append(f"pg_restore failed: {done.stderr.strip()[:500]}")
            return restored
        scratch_url = _url_with_name(target, scratch_name)
        log = staging / tarball.CHECKPOINT_LOG
        restored.probe = probe_restored(
            probe_env(data_dir=staging, database_url=scratch_url, log=log), log, sample or {}
        )
        check_restored(restored)
        if restored.problems:
            return restored
        if scratch_name != target["NAME"]:
            if is_live:
                connections.close_all()
            with pg_connect(target, dbname="postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{target["NAME"]}" WITH (FORCE)')
                admin.execute(f'ALTER DATABASE "{scratch_name}" RENAME TO "{target["NAME"]}"')
        created = False
        _install_files(staging, files_dir, snapshot_id)
        restored.target = _url_with_name(target, target["NAME"], hide_password=True)
        restored.files_dir = str(files_dir)
        return restored
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            with pg_connect(target, dbname="postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)')


def _url_with_name(settings_dict: dict[str, Any], name: str, hide_password: bool = False) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{'***' if hide_password else password}@" if password else f"{user}@"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{name}"
