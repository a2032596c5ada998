"""Taking backups and running restore drills. Dangerous module: a backup that silently misses
a destination, or a drill that passes without checking, is found out on the worst day.

Guarantees: `backup_run` writes one snapshot to every configured destination; a destination
that fails does not stop the others, and every failure is recorded (BackupRun and one
DestinationResult per destination), journaled, logged at error and mailed to administrators.
Each written copy is read back before it counts as verified, and pruning never removes the
newest verified backup of a destination. `drill_run` restores each destination's latest
backup into scratch, checks it end to end and against live, and records and journals the
result; a failed drill alerts.
"""

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

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.backup import archive, crypto, destinations, pruning, snapshot
from caseledger.backup.actions import BackupAction
from caseledger.backup.alerts import alert
from caseledger.backup.compare import SAMPLED, content_hashes
from caseledger.backup.models import BackupRun, DestinationResult, Drill
from caseledger.backup.restore import latest, restore
from caseledger.core import clock
from caseledger.core.errors import CaseledgerError, Conflict
from caseledger.core.logging import get_logger
from caseledger.journal.services import record_change, write_transaction

log = get_logger("caseledger.backup")


@contextlib.contextmanager
def _exclusive(name: str) -> Iterator[None]:
    lock_dir = Path(settings.DATA_DIR) / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / f"{name}.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Conflict(f"a {name} is already running", code="busy") from exc
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
        raise OSError(f"{destinations.ARCHIVE} read back from {destination.name} does not match")
    sealed = destination.read_manifest(snapshot_id)
    if archive.parse_manifest(sealed, None)[1]:
        raise OSError(f"{destinations.MANIFEST} read back from {destination.name} is unreadable")


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
    with _exclusive("backup"):
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
            archive_path, manifest = archive.build(
                snapshot_id=snapshot_id,
                created_at=started_at.isoformat(),
                copy=copy,
                work=work,
                key=key,
            )
            copy.path.unlink()  # the archive holds it now: halve the disk we need
            results = _write_everywhere(
                targets, snapshot_id, archive_path, manifest, archive.seal(manifest, key)
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


def _sample(head_seq: int) -> dict[str, list[Any]]:
    """Records that existed at the backup's journal head, picked at random."""
    from caseledger.journal.models import Entry

    size = settings.BACKUP_DRILL_SAMPLE
    picked: dict[str, list[Any]] = {}
    if head_seq:
        seqs = list(range(1, head_seq + 1))
        picked["journal_entry"] = sorted(secrets.SystemRandom().sample(seqs, min(size, len(seqs))))
    for kind in SAMPLED:
        if kind == "journal_entry":
            continue
        ids = (
            Entry.objects.filter(seq__lte=head_seq, object_type=kind)
            .values_list("object_id", flat=True)
            .distinct()
            .order_by("?")[:size]
        )
        picked[kind] = sorted(int(i) for i in ids if str(i).isdigit())
    return picked


def _compare_with_live(head_seq: int, head_hash: str, sample: dict, restored: dict) -> dict:
    """What differs between the sampled records of the restored copy and live."""
    from caseledger.journal.models import Entry

    problems: list[str] = []
    live_head = Entry.objects.filter(seq=head_seq).values_list("hash", flat=True).first()
    if head_seq and live_head != head_hash:
        problems.append(
            f"live journal entry #{head_seq} differs from the backup's head: "
            "live history and the backup diverge"
        )
    compared = skipped = 0
    for kind, ids in sample.items():
        if not ids:
            continue
        if kind == "journal_entry":
            changed: set[str] = set()
        else:
            changed = set(
                Entry.objects.filter(
                    seq__gt=head_seq, object_type=kind, object_id__in=[str(i) for i in ids]
                ).values_list("object_id", flat=True)
            )
        live = content_hashes(kind, ids)
        theirs = restored.get(kind, {})
        for record_id in (str(i) for i in ids):
            if record_id in changed:
                skipped += 1
                continue
            compared += 1
            if record_id not in theirs:
                problems.append(f"{kind} {record_id}: missing from the restored copy")
            elif record_id not in live:
                problems.append(f"{kind} {record_id}: gone from live without a journal entry")
            elif live[record_id] != theirs[record_id]:
                problems.append(f"{kind} {record_id}: content differs from live")
    return {"compared": compared, "skipped_changed_since": skipped, "problems": problems}


def _scratch_target(scratch: Path) -> tuple[str, str | None, str | None]:
    """(to, files_to, scratch database name) for a drill restore on this engine."""
    if connection.vendor == "postgresql":
        live = connection.settings_dict
        name = f"{live['NAME']}_drill_{secrets.token_hex(3)}"[:63]
        user = live.get("USER") or "postgres"
        password = f":{live['PASSWORD']}" if live.get("PASSWORD") else ""
        host = live.get("HOST") or "127.0.0.1"
        port = live.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{name}", str(scratch / "files"), name
    return str(scratch / "data"), None, None


def _drop_scratch_db(name: str | None) -> None:
    if not name:
        return
    with snapshot.pg_connect(connection.settings_dict, dbname="postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drill_one(destination: destinations.Destination) -> tuple[str, bool, dict[str, Any]]:
    scratch = Path(settings.DATA_DIR) / "drills" / f"scratch-{secrets.token_hex(4)}"
    scratch.mkdir(parents=True)
    scratch_db = None
    snapshot_id = ""
    try:
        snapshot_id = latest(destination)
        key = crypto.load_key(create=False)
        from caseledger.backup.restore import manifest_of

        manifest = manifest_of(destination, snapshot_id, key)
        journal = manifest["journal"]
        sample = _sample(journal["head_seq"])
        to, files_to, scratch_db = _scratch_target(scratch)
        restored = restore(
            destination=destination,
            snapshot_id=snapshot_id,
            to=to,
            files_to=files_to,
            sample=sample,
        )
        details = restored.as_dict()
        problems = list(restored.problems)
        if restored.ok:
            compared = _compare_with_live(
                journal["head_seq"], journal["head_hash"], sample, restored.probe.get("hashes", {})
            )
            details["sample"] = compared
            problems += compared["problems"]
        details["problems"] = problems
        return snapshot_id, not problems, details
    except (CaseledgerError, OSError, RuntimeError, ValueError) as exc:
        return snapshot_id, False, {"problems": [f"{type(exc).__name__}: {exc}"]}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with contextlib.suppress(Exception):
            _drop_scratch_db(scratch_db)


def drill_run(*, actor: Any, only: list[str] | None = None) -> list[Drill]:
    """For each destination: restore its latest backup into scratch, verify everything, compare
    with live, and record the evidence. `actor=None` is the worker."""
    if actor is not None:
        require(actor, Perm.BACKUP_RUN)
    targets = [d for d in destinations.configured() if not only or d.name in only]
    drills = []
    with _exclusive("drill"):
        for destination in targets:
            at = clock.now()
            started = time.monotonic()
            snapshot_id, ok, details = _drill_one(destination)
            details["location"] = destination.describe()
            with write_transaction():
                drill = Drill.objects.create(
                    at=at,
                    snapshot_id=snapshot_id,
                    destination=destination.name,
                    duration_ms=round((time.monotonic() - started) * 1000),
                    ok=ok,
                    details=details,
                )
                record_change(
                    actor=actor,
                    action=BackupAction.DRILL,
                    object_type="drill",
                    object_id=str(drill.pk),
                    after={
                        "destination": destination.name,
                        "snapshot": snapshot_id,
                        "ok": ok,
                        "duration_ms": drill.duration_ms,
                        "problems": details.get("problems", [])[:20],
                    },
                )
            drills.append(drill)
            if not ok:
                alert(
                    "backup.drill_failed",
                    f"restore drill failed at {destination.name}",
                    f"Backup {snapshot_id or '(none)'} at {destination.name} "
                    f"({destination.describe()}) did not pass its drill:\n"
                    + "\n".join(details.get("problems", [])[:50]),
                    destination=destination.name,
                    snapshot=snapshot_id,
                )
    return drills
