"""Reading backups: what each destination holds, the recorded runs and drills, and health."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from django.conf import settings

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.backup import destinations, tarball
from caseledger.backup.models import BackupRun, DestinationResult, Drill
from caseledger.core import clock


def backup_list() -> list[dict[str, Any]]:
    """Every complete backup at every destination; an unreachable destination is named."""
    found: list[dict[str, Any]] = []
    for destination in destinations.configured():
        try:
            ids = destination.snapshot_ids()
        except Exception as exc:  # listing must go on to the other destinations
            found.append({"destination": destination.name, "error": f"{type(exc).__name__}: {exc}"})
            continue
        for snapshot_id in ids:
            item: dict[str, Any] = {"destination": destination.name, "snapshot": snapshot_id}
            try:
                manifest, problems = tarball.parse_manifest(
                    destination.read_manifest(snapshot_id), None
                )
            except Exception as exc:
                manifest, problems = None, [f"{type(exc).__name__}: {exc}"]
            if manifest:
                item.update(
                    created_at=manifest.get("created_at"),
                    engine=manifest.get("engine"),
                    journal_head_seq=manifest.get("journal", {}).get("head_seq"),
                    bytes=manifest.get("archive", {}).get("size"),
                    files=len(manifest.get("files", [])),
                )
            if problems:
                item["problems"] = problems
            found.append(item)
    return found


def health_check() -> dict[str, Any]:
    """For /healthz: the last backup wrote everywhere, is recent, and no drill last failed."""
    last = BackupRun.objects.prefetch_related("results").first()
    if last is None:
        return {"ok": True, "note": "no backup yet"}
    last_ok = BackupRun.objects.filter(ok=True).first()
    limit = dt.timedelta(hours=max(2, 3 * settings.BACKUP_EVERY_HOURS))
    failing = [r.destination for r in last.results.all() if not (r.ok and r.verified)]
    drills_failed = []
    for name in Drill.objects.values_list("destination", flat=True).distinct():
        newest = Drill.objects.filter(destination=name).first()
        if newest is not None and not newest.ok:
            drills_failed.append(name)
    age = (clock.now() - last_ok.started_at).total_seconds() if last_ok else None
    return {
        "ok": bool(
            last.ok and not drills_failed and age is not None and age <= limit.total_seconds()
        ),
        "last_snapshot": last.snapshot_id,
        "last_ok_age_seconds": None if age is None else round(age),
        "max_age_seconds": round(limit.total_seconds()),
        "failing_destinations": failing,
        "error": last.error,
        "failed_drills": drills_failed,
    }


def _device(path: Path) -> int | None:
    """The filesystem a directory lives on (its nearest existing parent's)."""
    for candidate in (path, *path.parents):
        try:
            return os.stat(candidate).st_dev
        except OSError:
            continue
    return None


def backup_overview(*, actor: Any) -> dict[str, Any]:
    """What the backups page shows: per destination the newest backup written there, its
    age and verification, the newest drill and its evidence, and whether it is stale; and
    a warning while every destination shares the live data's filesystem (one disk lost
    would take the data and all its backups)."""
    require(actor, Perm.BACKUP_RUN)
    objective = dt.timedelta(hours=max(2, 3 * settings.BACKUP_EVERY_HOURS))
    now = clock.now()
    rows = []
    devices: set[int | str | None] = set()
    for destination in destinations.configured():
        result = (
            DestinationResult.objects.select_related("run")
            .filter(destination=destination.name)
            .order_by("-run__started_at")
            .first()
        )
        good = (
            DestinationResult.objects.select_related("run")
            .filter(destination=destination.name, ok=True, verified=True)
            .order_by("-run__started_at")
            .first()
        )
        drill = Drill.objects.filter(destination=destination.name).first()
        age = (now - good.run.started_at) if good else None
        if destination.kind == "directory":
            devices.add(_device(Path(destination.describe())))
        else:
            devices.add(f"remote:{destination.describe()}")
        rows.append({
            "name": destination.name,
            "kind": destination.kind,
            "location": destination.describe(),
            "last": result,
            "last_good": good,
            "age_seconds": None if age is None else round(age.total_seconds()),
            "stale": age is None or age > objective,
            "drill": drill,
        })  # fmt: skip
    data_device = _device(Path(settings.DATA_DIR))
    return {
        "destinations": rows,
        "objective_seconds": round(objective.total_seconds()),
        "one_filesystem": bool(rows) and devices <= {data_device},
        "runs": list(BackupRun.objects.prefetch_related("results")[:10]),
        "drills": list(Drill.objects.all()[:10]),
    }
