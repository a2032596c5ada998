"""Moving cases into segments and back. Dangerous module: it replaces case text by stubs.

Guarantees (docs/operations/archive.md):
- a case becomes a stub only after its full record is in a segment whose file and
  manifest are fsynced (or PUT) and registered, and only if the case is exactly as
  serialized (version, notes, attachments), closed, unrestricted and not held;
- the stubbing of a segment's cases is one transaction with one journal entry per case
  and per removed note: all of a segment's cases become stubs, or none;
- a crash at any point leaves either untouched hot rows (the segment is discarded or
  completed by the next run, after its checksums are verified again) or stubs whose
  records verify;
- one run or purge at a time (a lock file in the data directory).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from caseledger.archive import segments
from caseledger.archive.actions import ArchiveAction
from caseledger.archive.models import ArchivedRecord, ArchiveSegment, SegmentState
from caseledger.archive.segments import Line, Sealed
from caseledger.cases.models import Attachment, Case, CaseNote, Status
from caseledger.core import clock
from caseledger.core.errors import Conflict
from caseledger.core.state import diff, plain
from caseledger.journal.canonical import format_time
from caseledger.journal.services import Change, append_many, write_transaction
from caseledger.retention.holds import held_case_ids
from caseledger.retention.models import RecordRetention

# The long text a stub gives up; everything lists, filters and search use stays.
BLANKED = ("description", "customer_request", "resolution", "root_cause")
RECORD_FORMAT = 1


class Stale(Exception):
    """A serialized case changed (or became held) before its stub was written."""


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    lock_dir = Path(settings.DATA_DIR) / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / "archive.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Conflict(
                _("an archive run or purge is already running"), field="archive"
            ) from exc
        yield


def fault_point(point: str) -> None:
    """The crash tests kill a run here: CASELEDGER_ARCHIVE_KILL_AT names the point."""
    if os.environ.get("CASELEDGER_ARCHIVE_KILL_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _plain_column(value: Any) -> Any:
    # core.state.plain for the column types of cases, notes and attachments (no JSON
    # columns), without its chain of isinstance checks: this runs for every column archived.
    kind = type(value)
    if kind is dt.datetime:
        return format_time(value)
    if kind is dt.date:
        return value.isoformat()
    if kind in (str, int, bool, type(None)):
        return value
    return plain(value)


def states(qs: Any) -> list[dict[str, Any]]:
    """Rows as the journal states them (core.state.model_state), without building model
    instances: `values()` gives every concrete column by attname, in field order."""
    return [{k: _plain_column(v) for k, v in row.items()} for row in qs.values()]


def serialize(ids: list[int]) -> list[Line]:
    """The full records of these cases, in id order."""
    notes: dict[int, list[dict[str, Any]]] = {}
    for note in states(
        CaseNote.objects.filter(case_id__in=ids).order_by("case_id", "created_at", "id")
    ):
        notes.setdefault(note["case_id"], []).append(note)
    files: dict[int, list[dict[str, Any]]] = {}
    for att in states(
        Attachment.objects.filter(case_id__in=ids).order_by("case_id", "uploaded_at", "id")
    ):
        files.setdefault(att["case_id"], []).append(att)
    schedules = {
        r["record_id"]: (r["schedule__code"], r["schedule_version"])
        for r in RecordRetention.objects.filter(record_type="case", record_id__in=ids).values(
            "record_id", "schedule__code", "schedule_version"
        )
    }
    lines = []
    for case in states(Case.objects.filter(pk__in=ids).order_by("pk")):
        pk = case["id"]
        record = {
            "format": RECORD_FORMAT,
            "case": case,
            "customer_id": case["customer_id"],
            "notes": notes.get(pk, []),
            "attachments": files.get(pk, []),
        }
        code, version = schedules.get(pk, (None, None))
        lines.append(Line(pk, case["reference"], segments.encode(record), code, version))
    return lines


def write(store: Any, sealed: Sealed) -> None:
    """Data first, manifest last: a segment without its manifest is never read as whole."""
    store.put(segments.data_file(sealed.name), sealed.data)
    store.put(segments.manifest_file(sealed.name), sealed.manifest)
    fault_point("after-fsync")


def register(sealed: Sealed, *, replaces: ArchiveSegment | None = None, ref: str = "",
             state: str = SegmentState.SEALED) -> ArchiveSegment:  # fmt: skip
    with transaction.atomic():
        segment = ArchiveSegment.objects.create(
            name=sealed.name,
            state=state,
            records=len(sealed.lines),
            raw_bytes=sealed.raw_bytes,
            stored_bytes=len(sealed.data),
            sha256=sealed.sha256,
            manifest_sha256=sealed.manifest_sha256,
            created_at=clock.now(),
            applied_at=clock.now() if state == SegmentState.APPLIED else None,
            replaces=replaces,
            purge_ref=ref,
        )
        ArchivedRecord.objects.bulk_create(
            ArchivedRecord(
                segment=segment,
                case_id=line.case_id,
                reference=line.reference,
                sha256=line.sha256,
                raw_bytes=len(line.data),
            )
            for line in sealed.lines
        )
    return segment


def _ids_by_case(model: Any, ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for case_id, pk in model.objects.filter(case_id__in=ids).values_list("case_id", "pk"):
        found.setdefault(case_id, set()).add(pk)
    return found


def _check(case: dict[str, Any], record: dict[str, Any], held: set[int], notes: set,
           files: set) -> None:  # fmt: skip
    ref = case["reference"]
    if case["archived_at"] is not None:
        raise Stale(f"{ref} is already archived")
    if case["id"] in held:
        raise Stale(f"{ref} is under legal hold")
    if case["status"] != Status.CLOSED or case["restricted_at"] is not None:
        raise Stale(f"{ref} is no longer closed and unrestricted")
    if case != record["case"]:
        raise Stale(f"{ref} changed (version {case['version']})")
    if notes != {n["id"] for n in record["notes"]}:
        raise Stale(f"{ref} has new notes")
    if files != {a["id"] for a in record["attachments"]}:
        raise Stale(f"{ref} has new attachments")


def apply(segment: ArchiveSegment, lines: list[Line], *, actor: Any) -> int:
    """Replace the segment's cases by stubs, in one transaction; Stale if any changed."""
    import json

    records = {line.case_id: (json.loads(line.data), line.sha256) for line in lines}
    ids = sorted(records)
    with write_transaction():
        segment = ArchiveSegment.objects.select_for_update().get(pk=segment.pk)
        if segment.state != SegmentState.SEALED:
            raise Stale(f"segment {segment.name} is {segment.state}")
        cases = states(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if len(cases) != len(ids):
            raise Stale("a case of the segment no longer exists")
        held = held_case_ids(ids)
        notes, files = _ids_by_case(CaseNote, ids), _ids_by_case(Attachment, ids)
        for case in cases:
            pk = case["id"]
            _check(case, records[pk][0], held, notes.get(pk, set()), files.get(pk, set()))
        now = clock.now()
        stub = {**dict.fromkeys(BLANKED, ""), "archived_at": plain(now)}
        changes: list[Change] = []
        for before in cases:
            # The stub's state, derived from the locked row's: what the UPDATE below writes.
            pk = before["id"]
            after = {**before, **stub, "version": before["version"] + 1}
            changes.append(
                Change(
                    action=ArchiveAction.CASE_ARCHIVE,
                    object_type="case",
                    object_id=str(pk),
                    state=after,
                    changes=diff(before, after),
                    extra={"segment": segment.name, "sha256": records[pk][1]},
                )
            )
            for note in records[pk][0]["notes"]:
                changes.append(
                    Change(
                        action=ArchiveAction.CASE_NOTE_ARCHIVE,
                        object_type="case_note",
                        object_id=str(note["id"]),
                        root=f"case:{pk}",
                        state=None,
                        extra={"segment": segment.name},
                    )
                )
        # One statement for the whole segment: the stub's values are the same for every row
        # except the version, which moves by one as in every other change.
        from django.db.models import F

        Case.objects.filter(pk__in=ids).update(
            archived_at=now, version=F("version") + 1, **dict.fromkeys(BLANKED, "")
        )
        CaseNote.objects.filter(case_id__in=ids).delete()
        segment.state = SegmentState.APPLIED
        segment.applied_at = now
        segment.save(update_fields=["state", "applied_at"])
        append_many(actor=actor, changes=changes)
    return len(cases)


def discard(store: Any, name: str) -> None:
    """Forget a segment that was never applied: the hot rows still hold everything it has."""
    with transaction.atomic():
        segment = ArchiveSegment.objects.select_for_update().filter(name=name).first()
        if segment is not None:
            if segment.state == SegmentState.APPLIED:
                raise Conflict(
                    _("segment %(name)s is applied; it cannot be discarded") % {"name": name}
                )
            segment.state = SegmentState.DISCARDED
            segment.save(update_fields=["state"])
            segment.items.all().delete()
    store.delete(segments.manifest_file(name))
    store.delete(segments.data_file(name))


def recover(store: Any, *, actor: Any) -> dict[str, int]:
    """Finish or discard what an interrupted run left: segments in the store that are not
    registered, and registered segments still sealed. Completing re-reads the segment and
    verifies every checksum first; a segment whose cases changed meanwhile is discarded."""
    done = {"completed": 0, "discarded": 0}
    store.clean_leftovers()
    names = store.names()
    known = dict(ArchiveSegment.objects.values_list("name", "state"))
    manifests = {n[: -len(".manifest.json")] for n in names if n.endswith(".manifest.json")}
    datas = {n[: -len(".jsonl.zst")] for n in names if n.endswith(".jsonl.zst")}
    for name in sorted(datas - manifests - set(known)):
        store.delete(segments.data_file(name))  # cut before its manifest: never whole
    gone = (SegmentState.SUPERSEDED, SegmentState.DISCARDED)
    for name in sorted((manifests | datas) & {n for n, s in known.items() if s in gone}):
        # a purge or discard that committed but was cut before deleting the old files
        store.delete(segments.manifest_file(name))
        store.delete(segments.data_file(name))
    candidates = sorted(
        {n for n in manifests if n not in known}
        | {n for n, s in known.items() if s == SegmentState.SEALED}
    )
    for name in candidates:
        if _complete(store, name, registered=name in known, actor=actor):
            done["completed"] += 1
        else:
            discard(store, name)
            done["discarded"] += 1
    return done


def _complete(store: Any, name: str, *, registered: bool, actor: Any) -> bool:
    try:
        if registered:
            row = ArchiveSegment.objects.get(name=name)
            opened = segments.read(
                store, name, manifest_sha256=row.manifest_sha256, sha256=row.sha256
            )
        else:
            opened = segments.read(store, name)
            if opened.manifest.get("replaces"):
                return False  # a purge's rewrite whose registration rolled back
            body = store.get(segments.manifest_file(name))
            row = register(
                Sealed(
                    name,
                    b"",
                    body,
                    segments.sha(body),
                    opened.manifest["sha256"],
                    opened.manifest["raw_bytes"],
                    opened.lines,
                )
            )
            row.stored_bytes = opened.manifest["stored_bytes"]
            row.save(update_fields=["stored_bytes"])
        apply(row, opened.lines, actor=actor)
    except (segments.Corrupt, Stale):
        return False
    return True
