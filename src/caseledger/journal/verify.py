"""Walking the chain. Reports the first broken entry, redactions, and checkpoint mismatches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from caseledger.journal import checkpoints as cp
from caseledger.journal.canonical import entry_digest, payload_digest
from caseledger.journal.models import GENESIS_HASH


@dataclass
class Problem:
    seq: int | None
    kind: str  # edited, removed, inserted, payload, truncated, rewritten, head, signature
    detail: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else "journal"
        return f"{where}: {self.kind}: {self.detail}"


@dataclass
class Report:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    checkpoints_checked: int = 0
    redactions: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "checkpoints_checked": self.checkpoints_checked,
            "redactions": self.redactions,
            "problems": [{"seq": p.seq, "kind": p.kind, "detail": p.detail} for p in self.problems],
            "notes": self.notes,
        }


_SQL = (
    "SELECT e.seq, e.at, e.actor_id, e.actor_name, e.via, e.action, e.object_type, "
    "e.object_id, e.root, e.reason, e.payload_hash, e.prev_hash, e.hash, p.body, "
    "p.redaction_ref, p.entry_id FROM journal_entry e "
    "LEFT JOIN journal_payload p ON p.entry_id = e.seq ORDER BY e.seq"
)


def _time_text(value) -> str:
    # Django's SQLite cursor hands back naive UTC datetimes, PostgreSQL aware ones.
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    text = str(value)
    if "." not in text:
        text += ".000000"
    return text.replace(" ", "T")[:26] + "Z"


def _rows(batch: int = 20000) -> Iterable[tuple]:
    # A server-side cursor on PostgreSQL would need a transaction; fetchmany keeps memory flat.
    with connection.cursor() as cursor:
        cursor.execute(_SQL)
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                return
            yield from rows


def verify_chain(
    *,
    check_payloads: bool = True,
    checkpoint_logs: list[Path] | None = None,
    progress: Callable[[int], None] | None = None,
    max_problems: int = 20,
) -> Report:
    report = Report()
    logs = _read_logs(report, checkpoint_logs)
    wanted = {c.seq for _, read in logs for c in read.checkpoints}
    expected_seq = 1
    prev = GENESIS_HASH
    hashes: dict[int, str] = {}
    for row in _rows():
        (
            seq,
            at,
            actor_id,
            actor_name,
            via,
            action,
            object_type,
            object_id,
            root,
            reason,
            payload_hash,
            prev_hash,
            stored_hash,
            body,
            redaction_ref,
            payload_id,
        ) = row
        report.entries += 1
        if progress and report.entries % 50000 == 0:
            progress(50000)
        if len(report.problems) < max_problems:
            if seq != expected_seq:
                kind = "removed" if seq > expected_seq else "inserted"
                report.problems.append(
                    Problem(seq, kind, f"expected entry #{expected_seq} here, found #{seq}")
                )
            elif prev_hash != prev:
                report.problems.append(
                    Problem(
                        seq,
                        "inserted" if stored_hash != prev else "edited",
                        "prev_hash does not match the hash of the entry before it",
                    )
                )
            else:
                computed = entry_digest(
                    prev,
                    seq,
                    _time_text(at),
                    actor_id,
                    actor_name,
                    via,
                    action,
                    object_type,
                    object_id,
                    root,
                    reason,
                    payload_hash,
                )
                if computed != stored_hash:
                    report.problems.append(
                        Problem(seq, "edited", "its contents do not match its hash")
                    )
            if check_payloads:
                if payload_id is None:
                    report.problems.append(Problem(seq, "payload", "payload row is missing"))
                elif body is None:
                    report.redactions.append({"seq": seq, "by": redaction_ref})
                elif payload_digest(body) != payload_hash:
                    report.problems.append(
                        Problem(seq, "payload", "payload does not match its payload_hash")
                    )
        if seq in wanted:
            hashes[seq] = stored_hash
        prev = stored_hash
        expected_seq = seq + 1
    report.head_seq = expected_seq - 1
    report.head_hash = prev
    _check_head(report)
    _check_checkpoints(report, hashes, logs)
    return report


def _read_logs(report: Report, paths: list[Path] | None) -> list[tuple[Path, cp.LogRead]]:
    paths = paths if paths is not None else [cp.log_path()]
    logs = [(path, cp.read_log(path)) for path in paths]
    for _, read in logs:
        report.notes.extend(read.unreadable)
    return logs


def _check_head(report: Report) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM journal_chainhead WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        if report.entries:
            report.problems.append(Problem(None, "head", "the chain head row is missing"))
        return
    seq, head_hash = row
    if seq != report.head_seq or head_hash != report.head_hash:
        report.problems.append(
            Problem(
                report.head_seq or None,
                "truncated" if seq > report.head_seq else "head",
                f"chain head says #{seq} but the journal ends at #{report.head_seq}",
            )
        )


def _check_checkpoints(
    report: Report, hashes: dict[int, str], logs: list[tuple[Path, cp.LogRead]]
) -> None:
    try:
        key = cp.public_key()
    except FileNotFoundError as exc:
        if any(read.checkpoints for _, read in logs):
            report.problems.append(Problem(None, "signature", str(exc)))
        else:
            report.notes.append("no signing key and no checkpoint log yet")
        return
    own_key_id = cp.key_id(key)
    for _, read in logs:
        for checkpoint in read.checkpoints:
            report.checkpoints_checked += 1
            where = f"checkpoint {checkpoint.source}:{checkpoint.line}"
            if checkpoint.key_id != own_key_id or not cp.signature_valid(checkpoint, key):
                report.problems.append(
                    Problem(checkpoint.seq, "signature", f"{where} has a bad signature")
                )
                continue
            stored = hashes.get(checkpoint.seq)
            if stored is None and checkpoint.seq > report.head_seq:
                report.problems.append(
                    Problem(
                        checkpoint.seq,
                        "truncated",
                        f"{where} (signed {checkpoint.at}) covers entry #{checkpoint.seq} "
                        f"but the journal ends at #{report.head_seq}",
                    )
                )
            elif stored is None:
                if checkpoint.seq != 0:
                    report.problems.append(
                        Problem(checkpoint.seq, "removed", f"{where} covers a missing entry")
                    )
            elif stored != checkpoint.hash:
                report.problems.append(
                    Problem(
                        checkpoint.seq,
                        "rewritten",
                        f"{where} (signed {checkpoint.at}) records a different hash for this "
                        "entry: history up to here was rewritten",
                    )
                )
