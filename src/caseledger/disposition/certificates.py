"""Certificates of disposition as documents: built from a finished batch, written as JSON
files in the data directory's dispositions/ (the copy a restore re-applies), read back.

A certificate names the rule, the people, the times, the counts and, per record, its id
and the sha256 of its content before disposal. It never holds content.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings

from caseledger.core.durable import write_atomically
from caseledger.core.state import plain
from caseledger.disposition.models import DispositionBatch, ItemStatus
from caseledger.journal.canonical import canonical_json

FORMAT = "caseledger-disposition-certificate/1"


def directory() -> Path:
    return Path(
        getattr(settings, "DISPOSITIONS_DIR", None) or Path(settings.DATA_DIR) / "dispositions"
    )


def number_for(batch: DispositionBatch) -> str:
    year = batch.proposed_at.year
    return f"DC-{year}-{batch.pk:05d}-{batch.key[:6].upper()}"


def build(batch: DispositionBatch, executed_at: Any) -> dict[str, Any]:
    schedule = batch.schedule
    items = list(batch.items.order_by("pk"))
    counts = {s.value: 0 for s in ItemStatus}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return {
        "format": FORMAT,
        "number": batch.certificate_number,
        "batch": batch.pk,
        "schedule": {
            "code": schedule.code,
            "version": schedule.version,
            "name": schedule.name,
            "legal_source": schedule.legal_source,
            "action": schedule.action,
        },
        "action": batch.action,
        "record_type": batch.record_type,
        "reason": batch.reason,
        "proposed_by": batch.proposed_by.get_username(),
        "proposed_at": plain(batch.proposed_at),
        "approvers": [
            {"username": batch.approved_by.get_username(), "at": plain(batch.approved_at)}
        ]
        if batch.approved_by
        else [],
        "started_at": plain(batch.started_at),
        "executed_at": plain(executed_at),
        "counts": {**counts, "records": len(items)},
        "records": [
            {
                "type": item.record_type,
                "id": item.record_id,
                "label": item.label,
                "created_at": plain(item.record_created_at) if item.record_created_at else None,
                "status": item.status,
                "sha256": item.content_sha256 or None,
                "note": item.note,
            }
            for item in items
        ],
    }


def digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()


def write(document: dict[str, Any]) -> Path:
    """Write the certificate file atomically and durably (temp file, fsync, rename, fsync
    the directory): after a crash it is either whole or absent."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{document['number']}.json"
    text = json.dumps(
        {**document, "sha256": digest(document)}, ensure_ascii=False, indent=2, sort_keys=True
    )
    write_atomically(target, (text + "\n").encode("utf-8"))
    return target


def read_all(folder: Path | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every certificate file, oldest first, and a note for each unreadable or altered one."""
    folder = folder or directory()
    found: list[dict[str, Any]] = []
    problems: list[str] = []
    if not folder.is_dir():
        return found, problems
    for path in sorted(folder.glob("DC-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{path.name}: unreadable ({exc})")
            continue
        stored = data.pop("sha256", None)
        if data.get("format") != FORMAT or stored != digest(data):
            problems.append(f"{path.name}: does not match its sha256; not applied")
            continue
        found.append(data)
    found.sort(key=lambda d: (d.get("executed_at") or "", d["number"]))
    return found, problems
