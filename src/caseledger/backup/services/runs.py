"""Backup runs: one snapshot written to every destination, read back, pruned, recorded."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.backup import crypto, destinations, pruning, snapshot, tarball
from caseledger.backup.actions import BackupAction
from caseledger.backup.alerts import alert
from caseledger.backup.models import BackupRun, DestinationResult
from caseledger.core import clock
from caseledger.core.errors import Conflict
from caseledger.core.logging import get_logger
from caseledger.journal.services import record_change, write_transaction

log = get_logger("caseledger.backup")


_RUNNING = {
    "backup": gettext_noop("a backup is already running"),
    "drill": gettext_noop("a restore drill is already running"),
}


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[None]:
    lock_dir = Path(settings.DATA_DIR) / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / f"{name}.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            message = _RUNNING.get(name) or gettext_noop("a backup job is already running")
            raise Conflict(_(message), code="busy") from exc
        yield


def _new_snapshot_id() -> str:
    # Ids sort by time (latest, pruning): microseconds keep two runs in one second in order.
    return clock.now().strftime("%Y%m%dT%H%M%S.%fZ") + "-" + secrets.token_hex(2)


def _read_back(destination: destinations.Destination, snapshot_id: str, manifest: dict) -> None:
    """The copy just written is the copy we meant to write: its bytes hash to the manifest."""
    sha = hashlib.sha256()
    with destination.open_archive(snapshot_id) as stream:
        while block := stream.read(1024 * 1024):
            sha.update(block)
    if sha.hexdigest() != manifest["archive"]["sha256"]:
        raise OSError(
            _("%(file)s read back from %(destination)s does not match")
            % {"file": destinations.ARCHIVE, "destination": destination.name}
        )
    sealed = destination.read_manifest(snapshot_id)
    if tarball.parse_manifest(sealed, None)[1]:
        raise OSError(
            _("%(file)s read back from %(destination)s is unreadable")
            % {"file": destinations.MANIFEST, "destination": destination.name}
        )


def _prune(destination: destinations.Destination, just_written: str) -> list[str]:
    ids = destination.snapshot_ids()
    verified = set(
        DestinationResult.objects.filter(
            destination=destination.name, verified=True, run__snapshot_id__in=ids
        ).values_list("run__snapshot_id", flat=True)
    )
    verified.add(just_written)
    protected = {max(verified)}  # ids sort by time: the newest verified one
    removed = pruning.to_remove(ids, settings.BACKUP_KEEP, protected)
    for snapshot_id in removed:
        destination.delete(snapshot_id)
    return removed


def _write_everywhere(
    targets: list[destinations.Destination],
    snapshot_id: str,
    archive_path: Path,
    manifest: dict,
    sealed: bytes,
) -> list[dict[str, Any]]:
    results = []
    for destination in targets:
        started = time.monotonic()
        result: dict[str, Any] = {
            "destination": destination.name,
            "location": destination.describe(),
            "ok": False,
            "verified": False,
            "error": "",
            "pruned": [],
        }
        try:
            with contextlib.suppress(Exception):  # leftovers of a killed run; best effort
                destination.clean_leftovers()
            destination.put(snapshot_id, archive_path, sealed)
            result["ok"] = True
            _read_back(destination, snapshot_id, manifest)
            result["verified"] = True
            result["pruned"] = _prune(destination, snapshot_id)
        except Exception as exc:  # one destination's failure must not stop the others
            result["error"] = f"{type(exc).__name__}: {exc}"[:2000]
            result["ok"] = result["ok"] and result["verified"]
            log.error(
                "backup.destination_failed",
                destination=destination.name,
                location=destination.describe(),
                error=result["error"],
            )
        result["duration_ms"] = round((time.monotonic() - started) * 1000)
        results.append(result)
    return results


def backup_run(*, actor: Any) -> BackupRun:
    """Snapshot the database, attachments and checkpoint log, and write the encrypted,
    checksummed backup to every configured destination. `actor=None` is the worker."""
    if actor is not None:
        require(actor, Perm.BACKUP_RUN)
    targets = destinations.configured()
    with exclusive("backup"):
        key = crypto.load_key()
        started_at = clock.now()
        snapshot_id = _new_snapshot_id()
        work = Path(settings.DATA_DIR) / "backups" / ".work"
        shutil.rmtree(work, ignore_errors=True)  # a killed run's staging; we hold the lock
        work = work / snapshot_id
        work.mkdir(parents=True)
        results: list[dict[str, Any]] = []
        copy = None
        manifest: dict[str, Any] = {}
        error = ""
        try:
            copy = snapshot.take(work)
            archive_path, manifest = tarball.build(
                snapshot_id=snapshot_id,
                created_at=started_at.isoformat(),
                copy=copy,
                work=work,
                key=key,
            )
            copy.path.unlink()  # the archive holds it now: halve the disk we need
            results = _write_everywhere(
                targets, snapshot_id, archive_path, manifest, tarball.seal(manifest, key)
            )
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            log.exception("backup.snapshot_failed", error=error)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    run = _record_run(actor, snapshot_id, started_at, copy, manifest, results, error)
    if not run.ok:
        failed = [r for r in results if not (r["ok"] and r["verified"])]
        lines = [f"{r['destination']} ({r['location']}): {r['error']}" for r in failed]
        alert(
            "backup.failed",
            f"backup {snapshot_id} failed"
            + (f" at {', '.join(r['destination'] for r in failed)}" if failed else ""),
            "\n".join([error, *lines]).strip(),
            snapshot=snapshot_id,
        )
    return run


def _record_run(
    actor: Any,
    snapshot_id: str,
    started_at: Any,
    copy: snapshot.DatabaseCopy | None,
    manifest: dict[str, Any],
    results: list[dict[str, Any]],
    error: str,
) -> BackupRun:
    ok = not error and bool(results) and all(r["ok"] and r["verified"] for r in results)
    with write_transaction():
        run = BackupRun.objects.create(
            snapshot_id=snapshot_id,
            started_at=started_at,
            finished_at=clock.now(),
            engine=connection.vendor,
            ok=ok,
            journal_head_seq=copy.head_seq if copy else 0,
            journal_head_hash=copy.head_hash if copy else "",
            archive_bytes=manifest.get("archive", {}).get("size", 0),
            files=len(manifest.get("files", [])),
            error=error,
        )
        for r in results:
            DestinationResult.objects.create(
                run=run,
                destination=r["destination"],
                location=r["location"][:500],
                ok=r["ok"],
                verified=r["verified"],
                error=r["error"],
                duration_ms=r["duration_ms"],
                pruned=r["pruned"],
            )
        state = {
            "snapshot": snapshot_id,
            "ok": ok,
            "journal_head_seq": run.journal_head_seq,
            "journal_head_hash": run.journal_head_hash,
            "archive_bytes": run.archive_bytes,
            "files": run.files,
            "error": error,
            "destinations": {
                r["destination"]: {"ok": r["ok"] and r["verified"], "error": r["error"]}
                for r in results
            },
        }
        record_change(
            actor=actor,
            action=BackupAction.RUN,
            object_type="backup",
            object_id=str(run.pk),
            after=state,
        )
    return run
