"""Archiving closed, inactive cases into segments, reading them back, and restoring them.
Permission → validation → write → journal; the run journals each stubbed case (writer.apply)
and one summary entry; reading an archived record is journaled like any look at content."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.archive import queries, segments, store, writer
from caseledger.archive.actions import ArchiveAction
from caseledger.cases.models import Case, CaseNote
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import diff, model_state
from caseledger.journal.services import (
    Change,
    append_many,
    record_change,
    write_transaction,
)
from caseledger.retention.holds import held_case_ids

DEFAULT_BATCH = 1000


def archive_run(
    *,
    actor: User | None,
    on: dt.date | None = None,
    limit: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Archive every eligible case (queries.eligible, minus held ones), one segment per
    batch. First finishes or discards what an interrupted run left. Idempotent: a case is
    archived once; running again archives only what became eligible since.

    Long because recovery, the batch loop and the per-batch transaction share the one
    exclusive lock and the result they fill."""
    if actor is not None:
        require(actor, Perm.RETENTION_MANAGE)
    if batch_size < 1 or batch_size > 100_000:
        raise ValidationFailed(_("must be 1 to 100000"), field="batch_size", code="out_of_range")
    if limit is not None and limit < 0:
        raise ValidationFailed(_("must not be negative"), field="limit", code="out_of_range")
    target = store.configured()
    result: dict[str, Any] = {
        "on": (on or timezone.localdate(clock.now())).isoformat(),
        "cutoff": queries.cutoff(on).isoformat(),
        "store": target.describe(),
        "archived": 0,
        "segments": 0,
        "skipped_held": 0,
        "discarded": 0,
        "raw_bytes": 0,
        "stored_bytes": 0,
        "segment_names": [],
    }
    with writer.exclusive():
        result["recovered"] = writer.recover(target, actor=actor)
        candidates = queries.eligible(on)
        last = 0
        while limit is None or result["archived"] < limit:
            size = batch_size if limit is None else min(batch_size, limit - result["archived"])
            batch = list(
                candidates.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
            )
            if not batch:
                break
            last = batch[-1]
            held = held_case_ids(batch)
            result["skipped_held"] += len(held)
            batch = [pk for pk in batch if pk not in held]
            if not batch:
                continue
            archived = _archive_batch(target, batch, actor)
            if archived is None:
                result["discarded"] += 1
            else:
                segment, n = archived
                result["archived"] += n
                result["segments"] += 1
                result["raw_bytes"] += segment.raw_bytes
                result["stored_bytes"] += segment.stored_bytes
                result["segment_names"].append(segment.name)
            if progress:
                progress(len(batch))
        with write_transaction():
            record_change(
                actor=actor,
                action=ArchiveAction.RUN,
                object_type="archive_run",
                object_id=uuid.uuid4().hex,
                after=None,
                extra={k: v for k, v in result.items() if k != "segment_names"},
            )
    return result


def _archive_batch(target: Any, batch: list[int], actor: User | None):
    sealed = segments.build(
        segments.new_name(clock.now()), writer.serialize(batch), created_at=clock.now()
    )
    writer.write(target, sealed)
    segment = writer.register(sealed)
    writer.fault_point("after-register")
    try:
        n = writer.apply(segment, sealed.lines, actor=actor)
    except writer.Stale:
        # A case changed or became held since it was read: nothing was stubbed. The next run
        # reads the batch afresh.
        writer.discard(target, sealed.name)
        return None
    segment.refresh_from_db()
    return segment, n


def _open(case: Case) -> tuple[dict[str, Any], str, str]:
    if case.archived_at is None:
        raise Conflict(
            _("case %(case_reference)s is not archived") % {"case_reference": case.reference},
            field="case",
            code="not_archived",
        )
    found = queries.record_of(case.pk)
    opened = segments.read(
        store.configured(),
        found.segment.name,
        manifest_sha256=found.segment.manifest_sha256,
        sha256=found.segment.sha256,
    )
    record, sha256 = opened.record(case.pk)
    if sha256 != found.sha256:
        raise segments.Corrupt(
            _("segment %(name)s: the record of %(case)s does not match the registry")
            % {"name": found.segment.name, "case": case.reference}
        )
    return record, sha256, found.segment.name


def archive_read(*, actor: User | None, case: Case) -> dict[str, Any]:
    """The archived case in full, read from its segment with every checksum verified.
    Journaled: reading archived content is a look at the record like an export."""
    if actor is not None:
        require(actor, Perm.CASE_VIEW, case.department_id)
    record, sha256, segment = _open(case)
    with write_transaction():
        record_change(
            actor=actor,
            action=ArchiveAction.CASE_ARCHIVE_READ,
            object_type="case",
            object_id=str(case.pk),
            after=model_state(Case.objects.get(pk=case.pk)),
            extra={"segment": segment, "sha256": sha256},
        )
    return {"segment": segment, "sha256": sha256, **record}


def archive_restore(*, actor: User, case: Case, reason: str) -> Case:
    """Bring an archived case back to active: its long text and notes from the segment.

    Allowed under a legal hold: a hold forbids what deletes or alters evidence, and a
    restore only puts the verified original back (docs/operations/archive.md). The
    segment is rewritten without the record: a copy exists only while a case is archived.

    Long because the case, its notes and the segment's purge change in one transaction, the
    order they must happen in."""
    require(actor, Perm.RETENTION_MANAGE, case.department_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("a reason is required to restore"), field="reason", code="required"
        )
    record, sha256, segment = _open(case)
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.archived_at is None:
            raise Conflict(
                _("case %(case_reference)s is not archived") % {"case_reference": case.reference},
                field="case",
            )
        before = model_state(case)
        # Only what the stub gave up comes back: fields changed on the stub since stay.
        for name in writer.BLANKED:
            setattr(case, name, record["case"][name])
        case.archived_at = None
        case.version += 1
        # A restore is activity: the case gets a new inactivity period before the next run.
        case.updated_at = clock.now()
        case.save(update_fields=[*writer.BLANKED, "archived_at", "version", "updated_at"])
        after = model_state(case)
        notes = [
            CaseNote(
                id=n["id"],
                case_id=case.pk,
                kind=n["kind"],
                channel=n["channel"],
                body=n["body"],
                author_id=n["author_id"],
                created_at=dt.datetime.fromisoformat(n["created_at"].replace("Z", "+00:00")),
            )
            for n in record["notes"]
        ]
        CaseNote.objects.bulk_create(notes)
        # The active case holds everything again: its archived copy goes, so a copy exists
        # exactly while the case is archived (a disposition or correction then has one
        # place to look). The old segment's files are deleted after this commits.
        from caseledger.archive.purge import archive_purge

        purged = archive_purge(case_ids=[case.pk], ref=f"restore:case:{case.pk}")
        changes = [
            Change(
                action=ArchiveAction.CASE_ARCHIVE_RESTORE,
                object_type="case",
                object_id=str(case.pk),
                state=after,
                changes=diff(before, after),
                reason=reason,
                extra={
                    "segment": segment,
                    "sha256": sha256,
                    "rewritten": [(x["old"], x["new"]) for x in purged["segments"]],
                },
            )
        ]
        for note in notes:
            state = model_state(note)
            changes.append(
                Change(
                    action=ArchiveAction.CASE_NOTE_ARCHIVE_RESTORE,
                    object_type="case_note",
                    object_id=str(note.pk),
                    root=f"case:{case.pk}",
                    state=state,
                    changes=diff(None, state),
                    reason=reason,
                )
            )
        append_many(actor=actor, changes=changes)
    return case
