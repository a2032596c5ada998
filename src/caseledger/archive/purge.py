"""Removing records from archive segments, for a disposition. Dangerous module: a rewrite
that drops the wrong line destroys another case's only full copy.

Guarantees: each affected segment is read with every checksum verified (a corrupt segment
is refused, naming it, before anything changes); the rewrite holds every other record
byte for byte (same per-record sha256) and is written, fsynced and registered before the
old segment is superseded; the old files are deleted only after the transaction that
registers the rewrite commits, so a rollback of the caller's transaction leaves the old
segment whole (the unregistered rewrite is discarded by the next archive run).

Not journaled here: the disposition service that calls it journals the disposition, with
what this returns (segments rewritten, record hashes removed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caseledger.archive import segments, store, writer
from caseledger.archive.models import ArchivedRecord, ArchiveSegment, SegmentState
from caseledger.core import clock
from caseledger.core.errors import ValidationFailed


def archive_purge(*, case_ids: Iterable[int], ref: str) -> dict[str, Any]:
    """Remove every archived copy of these cases. Returns what was removed: per segment,
    the old and new names and each removed record's id, reference and sha256. Cases with
    no archived copy are simply absent from the result; running it twice removes nothing
    the second time."""
    ids = sorted({int(i) for i in case_ids})
    ref = (ref or "").strip()
    if not ref:
        raise ValidationFailed(_("a purge names the disposition it serves"), field="ref")
    target = store.configured()
    result: dict[str, Any] = {"ref": ref, "records_removed": 0, "segments": []}
    if not ids:
        return result
    with writer.exclusive():
        live = (SegmentState.SEALED, SegmentState.APPLIED)
        affected = list(
            ArchiveSegment.objects.filter(state__in=live, items__case_id__in=ids)
            .distinct()
            .order_by("id")
        )
        wanted = set(ids)
        for old in affected:
            result["segments"].append(_rewrite(target, old, wanted, ref))
            result["records_removed"] += len(result["segments"][-1]["removed"])
    return result


def _rewrite(target: Any, old: ArchiveSegment, wanted: set[int], ref: str) -> dict[str, Any]:
    opened = segments.read(target, old.name, manifest_sha256=old.manifest_sha256, sha256=old.sha256)
    keep = [line for line in opened.lines if line.case_id not in wanted]
    removed = [
        {"id": line.case_id, "reference": line.reference, "sha256": line.sha256}
        for line in opened.lines
        if line.case_id in wanted
    ]
    new_name = None
    with transaction.atomic():
        if keep:
            sealed = segments.build(
                segments.new_name(clock.now()),
                keep,
                created_at=clock.now(),
                extra={"replaces": old.name, "purge_ref": ref},
            )
            writer.write(target, sealed)
            writer.register(sealed, replaces=old, ref=ref, state=old.state)
            new_name = sealed.name
        ArchivedRecord.objects.filter(segment=old).delete()
        ArchiveSegment.objects.filter(pk=old.pk).update(state=SegmentState.SUPERSEDED)

        def drop_old(name: str = old.name) -> None:
            target.delete(segments.manifest_file(name))
            target.delete(segments.data_file(name))

        transaction.on_commit(drop_old)
    return {"old": old.name, "new": new_name, "removed": removed, "kept": len(keep)}
