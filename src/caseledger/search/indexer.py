"""Keeping the index: it follows the journal. Dangerous module: a bug here hides cases from
search or keeps erased text findable.

Guarantees:
- `catch_up` reads the journal entries after the last sequence it consumed (no signals),
  re-indexes every case they touch from the current rows, and records the new sequence, in
  one transaction holding the journal's head: so it sees every write up to that sequence
  and none half-done, and two runs (worker and a search request) never interleave.
- `rebuild` drops everything and indexes every case again from the rows, then the catch-up
  takes over from the sequence the rebuild started at.
- `on_erasure` (registered with core.erasure) drops the documents of destroyed or
  anonymised records inside the disposition's own transaction; the catch-up then indexes
  what an anonymised record still says.
- An archived case is a stub whose long text lives in its archive segment: its document is
  kept as it was; a rebuild reads the text from the segment (a system read, not a person's).
- Each case's visibility (department; hidden when it or its customer is restricted) is
  written with its document, and alone for an archived case whose document is kept: the
  journal names the case when it moves or is restricted, and its customer when the customer
  is (every case of theirs is re-read). A search re-reads its page through the case list,
  so a visibility the catch-up has not written yet never shows a case it should hide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from caseledger.cases.models import Case, CaseNote
from caseledger.core import clock
from caseledger.core.erasure import Erasure
from caseledger.core.ids import is_id
from caseledger.core.logging import get_logger
from caseledger.journal.models import ChainHead, Entry
from caseledger.journal.queries import touched_records
from caseledger.journal.services import lock_head, write_transaction
from caseledger.search.backends import Visibility, backend
from caseledger.search.models import IndexState
from caseledger.search.tokens import document_tokens

log = get_logger("caseledger.search")

CASE_FIELDS = (
    "reference",
    "subject",
    "description",
    "customer_request",
    "resolution",
    "root_cause",
    "product_ref",
    "order_ref",
    "contract_ref",
)
LONG_FIELDS = ("description", "customer_request", "resolution", "root_cause")
ENTRY_BATCH = 5_000
CASE_BATCH = 5_000


@dataclass(frozen=True)
class Follower:
    """Another kind of document kept by the same catch-up (the knowledge base's articles):
    `reindex(ids)` re-reads the records of `object_type` the journal named, `rebuild()`
    indexes them all again. Registered at start-up by the app that owns them."""

    object_type: str
    reindex: Callable[[set[int]], Any]
    rebuild: Callable[[], Any]


FOLLOWERS: dict[str, Follower] = {}


def register_follower(follower: Follower) -> None:
    FOLLOWERS[follower.object_type] = follower


def _follow_others(rows: list[tuple[str, str, str]]) -> None:
    for object_type, follower in FOLLOWERS.items():
        ids = {int(oid) for kind, oid, _root in rows if kind == object_type and is_id(oid)}
        if ids:
            follower.reindex(ids)


def _archived_records(case_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each archived case's full record from its segment, read once per segment."""
    from caseledger.archive import segments, store
    from caseledger.archive.models import ArchivedRecord, SegmentState

    found = (
        ArchivedRecord.objects.select_related("segment")
        .filter(case_id__in=case_ids, segment__state=SegmentState.APPLIED)
        .order_by("id")
    )
    by_segment: dict[Any, list[int]] = {}
    for record in found:
        by_segment.setdefault(record.segment, []).append(record.case_id)
    out: dict[int, dict[str, Any]] = {}
    for segment, ids in by_segment.items():
        try:
            opened = segments.read(
                store.configured(),
                segment.name,
                manifest_sha256=segment.manifest_sha256,
                sha256=segment.sha256,
            )
            for case_id in ids:
                out[case_id] = opened.record(case_id)[0]
        except Exception as exc:  # the stub is indexed; the operator sees the warning
            log.warning("search.archive_unreadable", segment=segment.name, error=str(exc))
    return out


def indexed(field: str) -> bool:
    """A field marked sensitive (built in, or by the administrator's
    CASELEDGER_SENSITIVE_FIELDS) is masked on every screen, so it is never indexed."""
    from caseledger.vault.sensitivity import is_marked, must_encrypt

    return not (is_marked(field) or must_encrypt(field))


def _in_ids(objects: Any, column: str, ids: list[int]) -> Any:
    """Rows whose `column` is one of these sorted ids, and maybe others between them (the
    caller drops those): a range when the ids are dense, as a rebuild's batch is, since
    Django takes longer to build an IN list of 5,000 ids than the database to run it."""
    if ids and ids[-1] - ids[0] < 2 * len(ids):
        return objects.filter(**{f"{column}__gte": ids[0], f"{column}__lte": ids[-1]})
    return objects.filter(**{f"{column}__in": ids})


def documents(case_ids: Iterable[int], *, keep_archived: bool = True) -> dict[int, list[str]]:
    """The tokens of each case as it is now ([] for a case that no longer exists). With
    `keep_archived`, an archived case that already has a document is left out."""
    return read(case_ids, keep_archived=keep_archived)[0]


def read(
    case_ids: Iterable[int], *, keep_archived: bool = True
) -> tuple[dict[int, list[str]], dict[int, Visibility]]:
    """`documents`, and the visibility of every case that exists (an archived case whose
    document is kept too: it may be restricted or moved all the same).

    Long because it reads the cases, their archived text and notes in batches of queries,
    then builds each document from what was read."""
    ids = sorted({int(pk) for pk in case_ids})
    wanted = set(ids)
    rows = {
        r["id"]: r
        for r in _in_ids(Case.objects, "pk", ids).values(
            "id",
            *CASE_FIELDS,
            "archived_at",
            "customer__kind",
            "customer__name",
            "department_id",
            "restricted_at",
            "customer__restricted_at",
        )
        if r["id"] in wanted
    }
    scopes = {
        pk: Visibility(
            department_id=r["department_id"],
            hidden=r["restricted_at"] is not None or r["customer__restricted_at"] is not None,
        )
        for pk, r in rows.items()
    }
    archived = [pk for pk, r in rows.items() if r["archived_at"] is not None]
    kept: set[int] = set()
    if keep_archived and archived:
        kept = backend().existing(archived)
        archived = [pk for pk in archived if pk not in kept]
    records = _archived_records(archived) if archived else {}
    noted = sorted(pk for pk in rows if pk not in kept)
    notes: dict[int, list[str]] = {pk: [] for pk in noted}
    for case_id, body in (
        _in_ids(CaseNote.objects, "case_id", noted)
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "body")
    ):
        if case_id in notes:
            notes[case_id].append(body)
    fields = [name for name in CASE_FIELDS if indexed(f"case.{name}")]
    long_fields = [name for name in LONG_FIELDS if name in fields]
    with_notes, with_org = indexed("case_note.body"), indexed("customer.name")
    docs: dict[int, list[str]] = {}
    for pk in ids:
        row = rows.get(pk)
        if pk in kept:
            continue
        if row is None:
            docs[pk] = []
            continue
        record = records.get(pk)
        texts = [row[name] for name in fields]
        if record is not None:
            texts += [record["case"].get(name) or "" for name in long_fields]
            texts += [n["body"] for n in record.get("notes", [])] if with_notes else []
        if with_org and row["customer__kind"] == "organisation":
            texts.append(row["customer__name"])
        texts += notes.get(pk, []) if with_notes else []
        docs[pk] = document_tokens(texts)
    return docs, scopes


def _state() -> IndexState:
    state, _ = IndexState.objects.get_or_create(pk=1)
    return state


def reindex_cases(case_ids: Iterable[int]) -> int:
    docs, scopes = read(case_ids)
    backend().write(docs, scopes=scopes)
    return len(docs)


def catch_up(*, max_entries: int | None = None) -> dict[str, int]:
    """Consume the journal up to its head (or `max_entries` of it), batch by batch."""
    entries = cases = 0
    while max_entries is None or entries < max_entries:
        # A plain read first: with nothing new, no write lock is taken (the worker asks
        # every second; on SQLite a write transaction would stall writers for nothing).
        if lag()["entries"] <= 0:
            break
        with write_transaction():
            head = lock_head().seq
            state = _state()
            if state.seq >= head:
                break
            upto = min(head, state.seq + ENTRY_BATCH)
            rows = list(
                Entry.objects.filter(seq__gt=state.seq, seq__lte=upto).values_list(
                    "object_type", "object_id", "root"
                )
            )
            changed, customers = touched_records(rows)
            _follow_others(rows)
            if customers:
                changed |= set(
                    Case.objects.filter(customer_id__in=customers).values_list("id", flat=True)
                )
            cases += reindex_cases(changed)
            entries += upto - state.seq
            state.seq = upto
            state.updated_at = clock.now()
            state.save(update_fields=["seq", "updated_at"])
    return {"entries": entries, "cases": cases}


def rebuild(
    *, progress: Callable[[int], None] | None = None, batch_size: int = CASE_BATCH
) -> dict[str, Any]:
    """Index every case again from scratch; the catch-up continues from the head seen at
    the start, so writes made meanwhile are indexed after."""
    index = backend()
    with write_transaction():
        head = lock_head().seq
        index.clear()
        state = _state()
        state.seq = head
        state.updated_at = state.rebuilt_at = clock.now()
        state.save()
    last = total = 0
    index.rebuild_begin()
    try:
        while True:
            with write_transaction():
                ids = list(
                    Case.objects.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if not ids:
                    break
                docs, scopes = read(ids, keep_archived=False)
                index.write(docs, fresh=True, scopes=scopes)
            last = ids[-1]
            total += len(ids)
            if progress:
                progress(len(ids))
    finally:
        index.rebuild_end()
    for follower in FOLLOWERS.values():
        with write_transaction():
            follower.rebuild()
    caught = catch_up()
    return {"cases": total, "from_seq": head, "caught_up": caught}


def lag() -> dict[str, Any]:
    """How far the index is behind the journal, in entries and seconds."""
    head = ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    state = IndexState.objects.filter(pk=1).first()
    seq = state.seq if state else 0
    age = None
    if seq < head:
        oldest = Entry.objects.filter(seq=seq + 1).values_list("at", flat=True).first()
        age = round((clock.now() - oldest).total_seconds(), 1) if oldest else None
    return {"indexed_seq": seq, "journal_seq": head, "entries": head - seq, "seconds": age}


def follow_if_close() -> None:
    """Called before a search: a small lag is caught up at once, so what was just written
    is found; a large one is left to the worker rather than stall the request."""
    now = lag()
    if 0 < now["entries"] <= settings.SEARCH_SYNC_MAX_ENTRIES:
        catch_up(max_entries=settings.SEARCH_SYNC_MAX_ENTRIES)


def on_erasure(request: Erasure) -> None:
    """core.erasure handler: the documents of erased cases (and of the erased customers'
    cases) go in the disposing transaction."""
    ids = set(request.case_ids)
    if request.customer_ids:
        ids |= set(
            Case.objects.filter(customer_id__in=request.customer_ids).values_list("id", flat=True)
        )
    if ids:
        backend().delete(ids)
