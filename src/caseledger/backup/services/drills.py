"""Restore drills: restore the newest snapshot of each destination into scratch and
compare it with the live journal."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.backup import crypto, destinations, snapshot
from caseledger.backup.actions import BackupAction
from caseledger.backup.alerts import alert
from caseledger.backup.compare import SAMPLED, content_hashes
from caseledger.backup.models import Drill
from caseledger.backup.restore import latest, restore
from caseledger.backup.services.runs import exclusive
from caseledger.core import clock
from caseledger.core.errors import CaseledgerError
from caseledger.core.ids import is_id
from caseledger.core.logging import get_logger
from caseledger.journal.services import record_change, write_transaction

log = get_logger("caseledger.backup")


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
        picked[kind] = sorted(int(i) for i in ids if is_id(str(i)))
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
    with exclusive("drill"):
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
