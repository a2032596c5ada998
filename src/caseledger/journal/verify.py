"""Walking the chain. Reports the first broken entry, redactions, and checkpoint mismatches."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, cast

from django.db import DatabaseError, connection

from caseledger.journal import checkpoints as cp
from caseledger.journal.canonical import entry_digest, payload_digest
from caseledger.journal.models import GENESIS_HASH


@dataclass
class Problem:
    seq: int | None
    # edited, removed, inserted, payload, redaction, truncated, rewritten, head, signature,
    # checkpoints
    kind: str
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
    public_keys: dict[str, str] = field(default_factory=dict)  # fingerprint: where from

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
            "public_keys": self.public_keys,
        }


_SQL = (
    "SELECT e.seq, e.at, e.actor_id, e.actor_name, e.via, e.action, e.object_type, "
    "e.object_id, e.root, e.reason, e.payload_hash, e.prev_hash, e.hash, p.body, "
    "p.redaction_ref, p.entry_id FROM journal_entry e "
    "LEFT JOIN journal_payload p ON p.entry_id = e.seq "
    "WHERE e.seq > %s AND e.seq <= %s ORDER BY e.seq"
)

# SQLite fast path. The entry's canonical header (without prev_hash) is built by SQLite's
# json_array only where that is provably the bytes `entry_digest` hashes: `at` exactly in the
# form Django stores (digits and separators; the GLOB also shuts out the other spellings
# Python's ISO parser accepts, such as a comma before the microseconds or a week date, which
# it would turn into a different time text), an integer or no actor_id, and, checked in Python,
# no string that needed an escape. Everything else, and every mismatch, is recomputed with
# `entry_digest` itself before anything is reported, so the fast path never changes a verdict.
_AT_AS_STORED = (
    "[0-9]" * 4 + "-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]." + "[0-9]" * 6
)
_SQLITE_ENTRIES = (
    "SELECT e.seq, e.prev_hash, e.hash, e.payload_hash, "
    f"CASE WHEN e.at GLOB '{_AT_AS_STORED}' AND typeof(e.actor_id) IN ('integer', 'null') "
    "THEN json_array(e.seq, substr(e.at, 1, 10) || 'T' || substr(e.at, 12) || 'Z', "
    "e.actor_id, e.actor_name, e.via, e.action, e.object_type, e.object_id, e.root, e.reason, "
    "e.payload_hash) END "
    "FROM journal_entry e WHERE e.seq > ? AND e.seq <= ? ORDER BY e.seq"
)
# The payloads of one chunk of entries, fetched per chunk so the two line up row for row
# (a missing or stray payload only slows down its own chunk). Bodies as bytes: hashing
# needs UTF-8, so skip decoding them into str and back.
_SQLITE_PAYLOADS = (
    "SELECT entry_id, CAST(body AS BLOB), redaction_ref FROM journal_payload "
    "WHERE entry_id >= ? AND entry_id <= ? ORDER BY entry_id"
)
_CHUNK = 1000


def _plain(header: str) -> bool:
    """True when no string in the header needed an escape. Python's encoder escapes a quote,
    a backslash and control characters, always with a backslash; SQLite's json_array does too.
    A header without a backslash and with only printable characters is the same bytes either
    way (anything else goes to `entry_digest`)."""
    return "\\" not in header and header.isprintable()


_ROW = (
    "SELECT seq, at, actor_id, actor_name, via, action, object_type, object_id, root, reason, "
    "payload_hash FROM journal_entry WHERE seq = %s"
)
_END = 2**62
# Below this many entries a second process costs more than it saves.
PARALLEL_MIN_ENTRIES = 200_000
# How much of the journal a worker process takes at a time (~0.1 s of work), and at most how
# many workers (each holds a database connection).
RANGE_ENTRIES = 20_000
MAX_WORKERS = 8
_PROGRESS_EVERY = 50000


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


def _fetch(sql: str, params: list, batch: int = 20000) -> Iterator[tuple]:
    # A server-side cursor on PostgreSQL would need a transaction; fetchmany keeps memory flat.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                return
            yield from rows


@dataclass
class _Scan:
    """What one pass over a range of seqs found. `events` are (seq, problems, redaction)
    for the rows that had any, in seq order; replaying them in order, stopping at
    max_problems, gives exactly what one sequential pass reports."""

    entries: int = 0
    last_seq: int | None = None
    last_hash: str | None = None
    events: list[tuple[int, list[Problem], dict | None]] = field(default_factory=list)
    hashes: dict[int, str] = field(default_factory=dict)


def _start(after: int) -> tuple[int, str]:
    """The walk's state just after entry `after`: the next seq expected and the prev hash."""
    if after <= 0:
        return 1, GENESIS_HASH
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, hash FROM journal_entry WHERE seq <= %s ORDER BY seq DESC LIMIT 1",
            [after],
        )
        row = cursor.fetchone()
    return (row[0] + 1, row[1]) if row else (1, GENESIS_HASH)


def _reference_digest(prev: str, seq: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_ROW, [seq])
        (s, at, actor_id, actor_name, via, action, otype, oid, root, reason, p_hash) = (
            cursor.fetchone()
        )
    return entry_digest(
        prev,
        s,
        _time_text(at),
        actor_id,
        actor_name,
        via,
        action,
        otype,
        oid,
        root,
        reason,
        p_hash,
    )


def _scan(after: int, upto: int, **options: Any) -> _Scan:
    if connection.vendor == "sqlite":
        try:
            return _walk(after, upto, fast=True, **options)
        except DatabaseError:
            pass  # a value json_array cannot take (a tampered BLOB): walk the plain way
    return _walk(after, upto, fast=False, **options)


def _walk(after: int, upto: int, *, fast: bool, **options: Any) -> _Scan:
    if fast:
        with connection.wrap_database_errors:
            return _walk_sqlite(after, upto, **options)
    return _walk_plain(after, upto, **options)


def _judge(
    row: tuple, payload: tuple | None, expected_seq: int, prev: str, check_payloads: bool
) -> tuple[list[Problem], dict | None]:
    """Everything wrong with one entry of the SQLite walk (row as _SQLITE_ENTRIES gives it),
    decided exactly as `_walk_plain` decides it."""
    seq, prev_hash, stored_hash, payload_hash, header = row
    problems: list[Problem] = []
    redaction = None
    if seq != expected_seq:
        kind = "removed" if seq > expected_seq else "inserted"
        problems.append(Problem(seq, kind, f"expected entry #{expected_seq} here, found #{seq}"))
    elif prev_hash != prev:
        problems.append(
            Problem(
                seq,
                "inserted" if stored_hash != prev else "edited",
                "prev_hash does not match the hash of the entry before it",
            )
        )
    else:
        computed = None
        if header is not None and _plain(header):
            computed = hashlib.sha256((prev + header).encode()).hexdigest()
        if computed != stored_hash:
            computed = _reference_digest(prev, seq)
        if computed != stored_hash:
            problems.append(Problem(seq, "edited", "its contents do not match its hash"))
    if check_payloads:
        if payload is None:
            problems.append(Problem(seq, "payload", "payload row is missing"))
        elif payload[1] is None:
            redaction = {"seq": seq, "by": payload[2]}
        elif hashlib.sha256(payload[1]).hexdigest() != payload_hash:
            problems.append(Problem(seq, "payload", "payload does not match its payload_hash"))
    return problems, redaction


def _note(
    scan: _Scan,
    row: tuple,
    payload: tuple | None,
    expected_seq: int,
    prev: str,
    check_payloads: bool,
) -> int:
    """Judges one entry into `scan`; how many problems it had."""
    problems, redaction = _judge(row, payload, expected_seq, prev, check_payloads)
    if problems or redaction:
        scan.events.append((row[0], problems, redaction))
    return len(problems)


def _walk_sqlite(
    after: int,
    upto: int,
    *,
    check_payloads: bool,
    wanted: set[int],
    max_problems: int,
    progress: Callable[[int], None] | None,
) -> _Scan:
    """The walk on SQLite, straight on the driver's connection (no Django cursor per row),
    a chunk of entries and their payloads at a time. The inner loop only proves an entry
    intact; anything it cannot prove goes to `_judge`, so what is reported is the same."""
    scan = _Scan()
    expected_seq, prev = _start(after)
    found = 0  # problems in this range; past max_problems nothing more can be reported
    sha256 = hashlib.sha256
    checkpointed = sorted(wanted)
    payload: tuple | None
    connection.ensure_connection()
    raw = connection.connection
    entries, payloads = raw.cursor(), raw.cursor()
    try:
        entries.execute(_SQLITE_ENTRIES, (after, upto))
        while chunk := entries.fetchmany(_CHUNK):
            first, last = chunk[0][0], chunk[-1][0]
            bodies: list[tuple] = []
            if check_payloads:
                bodies = payloads.execute(_SQLITE_PAYLOADS, (first, last)).fetchall()
            by_seq: dict | None = None
            if len(bodies) == len(chunk):
                for row, payload in zip(chunk, bodies, strict=True):
                    seq, prev_hash, stored_hash, payload_hash, header = row
                    # `isascii` is `_plain` made cheap: both encoders escape every ASCII
                    # control character, so for ASCII text no backslash means no escape.
                    if (
                        not (
                            seq == expected_seq
                            and payload[0] == seq
                            and prev_hash == prev
                            and header is not None
                            and payload[1] is not None
                            and header.isascii()
                            and "\\" not in header
                            and sha256((prev + header).encode()).hexdigest() == stored_hash
                            and sha256(payload[1]).hexdigest() == payload_hash
                        )
                        and found <= max_problems
                    ):
                        if payload[0] != seq:
                            by_seq = by_seq or {p[0]: p for p in bodies}
                            payload = by_seq.get(seq)
                        found += _note(scan, row, payload, expected_seq, prev, check_payloads)
                    prev = stored_hash
                    expected_seq = seq + 1
            else:
                # Payloads missing, stray or not checked: look each one up by seq.
                by_seq = {p[0]: p for p in bodies}
                for row in chunk:
                    if found <= max_problems:
                        payload = by_seq.get(row[0])
                        found += _note(scan, row, payload, expected_seq, prev, check_payloads)
                    prev = row[2]
                    expected_seq = row[0] + 1
            at = bisect.bisect_left(checkpointed, first)
            if at < len(checkpointed) and checkpointed[at] <= last:
                scan.hashes.update((row[0], row[2]) for row in chunk if row[0] in wanted)
            scan.entries += len(chunk)
            scan.last_seq, scan.last_hash = last, chunk[-1][2]
            if progress:
                progress(len(chunk))
    finally:
        entries.close()
        payloads.close()
    return scan


def _walk_plain(
    after: int,
    upto: int,
    *,
    check_payloads: bool,
    wanted: set[int],
    max_problems: int,
    progress: Callable[[int], None] | None,
) -> _Scan:
    scan = _Scan()
    expected_seq, prev = _start(after)
    found = 0  # problems in this range; past max_problems nothing more can be reported
    for row in _fetch(_SQL, [after, upto]):
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
        scan.entries += 1
        if progress and scan.entries % _PROGRESS_EVERY == 0:
            progress(_PROGRESS_EVERY)
        if found <= max_problems:
            problems: list[Problem] = []
            redaction = None
            if seq != expected_seq:
                kind = "removed" if seq > expected_seq else "inserted"
                problems.append(
                    Problem(seq, kind, f"expected entry #{expected_seq} here, found #{seq}")
                )
            elif prev_hash != prev:
                problems.append(
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
                    problems.append(Problem(seq, "edited", "its contents do not match its hash"))
            if check_payloads:
                if payload_id is None:
                    problems.append(Problem(seq, "payload", "payload row is missing"))
                elif body is None:
                    redaction = {"seq": seq, "by": redaction_ref}
                elif payload_digest(body) != payload_hash:
                    problems.append(
                        Problem(seq, "payload", "payload does not match its payload_hash")
                    )
            if problems or redaction:
                scan.events.append((seq, problems, redaction))
                found += len(problems)
        if seq in wanted:
            scan.hashes[seq] = stored_hash
        prev = stored_hash
        expected_seq = seq + 1
        scan.last_seq, scan.last_hash = seq, stored_hash
    if progress and scan.entries % _PROGRESS_EVERY:
        progress(scan.entries % _PROGRESS_EVERY)
    return scan


def _scan_in_child(writer, ranges: list[tuple[int, int]], taken, options: dict) -> None:
    """Runs in a forked process with a connection of its own: takes the next range nobody
    has taken until none is left, and reports each through a pipe."""
    try:
        while True:
            with taken.get_lock():
                index = taken.value
                taken.value = index + 1
            if index >= len(ranges):
                break
            after, upto = ranges[index]
            scan = _scan(after, upto, progress=lambda n: writer.send(("progress", n)), **options)
            writer.send(("done", (index, scan)))
    except BaseException as exc:
        writer.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()
        writer.close()
        os._exit(0)


def _workers() -> int:
    try:
        return min(len(os.sched_getaffinity(0)), MAX_WORKERS)
    except AttributeError:  # not on Linux
        return min(os.cpu_count() or 1, MAX_WORKERS)


def _split_point() -> list[tuple[int, int]] | None:
    """The ranges of seqs (after, upto] the worker processes share out, or None to walk in
    this process. Many more ranges than workers, taken as workers come free: a worker held up
    by a slower stretch of the journal or by another program on its core costs one range,
    not half the journal."""
    if _workers() < 2 or connection.in_atomic_block:
        return None  # a forked process would not see this transaction's rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(seq), MAX(seq) FROM journal_entry")
        low, high = cursor.fetchone()
    if low is None or high - low < PARALLEL_MIN_ENTRIES:
        return None
    count = max(_workers(), (high - low) // RANGE_ENTRIES)
    cuts = [low - 1 + (high - low + 1) * i // count for i in range(count)] + [_END]
    return [(cuts[i], cuts[i + 1]) for i in range(count)]


def _scan_parallel(
    ranges: list[tuple[int, int]], options: dict, progress: Callable[[int], None] | None
) -> list[_Scan]:
    # No process may share this connection's file handle or socket after the fork.
    connection.close()
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)
    pipes, children = [], []
    for _ in range(min(_workers(), len(ranges))):
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=_scan_in_child, args=(writer, ranges, taken, options))
        child.start()
        writer.close()
        pipes.append(reader)
        children.append(child)
    results: dict[int, _Scan] = {}
    errors = []
    waiting = list(pipes)
    while waiting:
        for ready in wait(waiting):
            reader = cast(Connection, ready)
            try:
                kind, value = reader.recv()
            except EOFError:
                waiting.remove(reader)
                continue
            if kind == "progress":
                if progress:
                    progress(value)
            elif kind == "done":
                results[value[0]] = value[1]
            else:
                errors.append(value)
    for child in children:
        child.join()
    if errors or len(results) != len(ranges):
        raise RuntimeError(f"journal verification worker failed: {'; '.join(errors)}")
    return [results[index] for index in range(len(ranges))]


def verify_chain(
    *,
    check_payloads: bool = True,
    checkpoint_logs: list[Path] | None = None,
    progress: Callable[[int], None] | None = None,
    max_problems: int = 20,
    parallel: bool = False,
    copies: bool = False,
    expect_checkpoints: bool = False,
) -> Report:
    """Walk the whole journal. `parallel` shares a large journal out among forked processes,
    one per usable core; only a command-line process may ask for it (forking a threaded web
    server is unsafe). `copies` checks the copies of the checkpoint log at every backup
    destination too; `expect_checkpoints` fails on a log that cannot vouch for the journal
    (missing, empty, garbled, stale: journal/log_checks.py), as `caseledger journal verify`
    does; without it those are notes (a restored copy, a test)."""
    from caseledger.journal import copies as copy_logs

    report = Report()
    logs = _read_logs(report, checkpoint_logs, quiet=expect_checkpoints)
    found_copies = copy_logs.read_all() if copies else []
    missing = [c.read.source for c in found_copies if not c.read.exists]
    copied = [(c.read.source, c.read) for c in found_copies if c.read.exists]
    logs += copied
    logs = _drop_superseded(report, logs)
    copied = [item for item in logs if item[0] in {label for label, _ in copied}]
    wanted = {c.seq for _, read in logs for c in read.checkpoints}
    options = {"check_payloads": check_payloads, "wanted": wanted, "max_problems": max_problems}
    ranges = _split_point() if parallel and not connection.in_atomic_block else None
    if ranges is None:
        scans = [_scan(0, _END, progress=progress, **options)]
    else:
        scans = _scan_parallel(ranges, options, progress)
    hashes: dict[int, str] = {}
    head_seq, head_hash = 0, GENESIS_HASH
    for scan in scans:
        report.entries += scan.entries
        hashes.update(scan.hashes)
        if scan.last_seq is not None:
            head_seq, head_hash = scan.last_seq, scan.last_hash or GENESIS_HASH
        for _seq, problems, redaction in scan.events:
            if len(report.problems) >= max_problems:
                break
            report.problems.extend(problems)
            if redaction is not None:
                report.redactions.append(redaction)
    report.head_seq = head_seq
    report.head_hash = head_hash
    _check_redactions(report, max_problems)
    _check_head(report)
    _check_checkpoints(report, hashes, logs)
    if expect_checkpoints:
        _check_logs(report, logs, copied, missing, configured=checkpoint_logs is None)
    return report


def _check_logs(
    report: Report,
    logs: list[tuple[str, cp.LogRead]],
    copied: list[tuple[str, cp.LogRead]],
    missing: list[str],
    *,
    configured: bool,
) -> None:
    from caseledger.journal import log_checks

    def fail(seq: int | None, detail: str) -> None:
        report.problems.append(Problem(seq, "checkpoints", detail))

    own = cp.log_path() if configured else None
    log_checks.unchecked(fail, logs, configured=own, entries=report.entries)
    fresh = [item for item in logs if own is not None and item[0] == str(own)] + copied
    log_checks.stale(fail, fresh, report.head_seq)
    for label in missing:
        report.notes.append(f"backup destination {label} holds no copy of the checkpoint log yet")


def _check_redactions(report: Report, max_problems: int) -> None:
    from caseledger.journal import redactions

    spoiled = {p.seq for p in report.problems if p.seq is not None}
    for seq, why in redactions.problems(report.redactions, spoiled):
        if len(report.problems) >= max_problems:
            break
        report.problems.append(Problem(seq, "redaction", why))
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))


def _drop_superseded(
    report: Report, logs: list[tuple[str, cp.LogRead]]
) -> list[tuple[str, cp.LogRead]]:
    """Checkpoints signed before a restore about entries after the restored head describe the
    history the restore abandoned (a copy at a destination keeps them): left out, noted."""
    markers = [c for _, read in logs for c in read.checkpoints if c.restored]
    if not markers:
        return logs
    try:
        key = cp.public_key()
    except FileNotFoundError:
        return logs
    valid = [m for m in markers if m.key_id == cp.key_id(key) and cp.signature_valid(m, key)]
    kept: list[tuple[str, cp.LogRead]] = []
    dropped = 0
    for label, read in logs:
        mine = [
            c for c in read.checkpoints if not any(c.seq > m.seq and c.at < m.at for m in valid)
        ]
        dropped += len(read.checkpoints) - len(mine)
        kept.append((label, dataclasses.replace(read, checkpoints=mine)))
    if dropped:
        restores = ", ".join(sorted({f"{m.restored} (to #{m.seq}, {m.at})" for m in valid}))
        report.notes.append(
            f"{dropped} checkpoint(s) of history abandoned by the restore of {restores} left out"
        )
    return kept


def _read_logs(
    report: Report, paths: list[Path] | None, *, quiet: bool = False
) -> list[tuple[str, cp.LogRead]]:
    paths = paths if paths is not None else [cp.log_path()]
    logs = [(str(path), cp.read_log(path)) for path in paths]
    if not quiet:  # otherwise they are problems (_check_logs)
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


def _key_for(report: Report, log: str, read: cp.LogRead, own: Any) -> Any:
    """The public key that checks `log`: the file beside it (shipped with a backup or a
    copy), else this installation's own. Where both exist they must be the same key."""
    try:
        # A log file has its key beside it; a copy at a destination is checked with this
        # installation's key (the copy is of its own log).
        found = cp.load_public_key(Path(log) if Path(log).is_file() else None)
    except (FileNotFoundError, ValueError) as exc:
        if read.checkpoints:
            report.problems.append(Problem(None, "signature", str(exc)))
        else:
            report.notes.append("no signing key and no checkpoint log yet")
        return None
    if own is not None and cp.fingerprint(own) != found.fingerprint:
        report.problems.append(
            Problem(
                None,
                "signature",
                f"the public key {found.source} is not this installation's signing key "
                f"({found.fingerprint[:16]} vs {cp.key_id(own)})",
            )
        )
        return None
    if read.checkpoints:
        report.public_keys[found.fingerprint] = found.source
    return found.key


def _check_checkpoints(
    report: Report, hashes: dict[int, str], logs: list[tuple[str, cp.LogRead]]
) -> None:
    own = cp.own_public_key()
    seen: set[str] = set()  # one checkpoint in the log and in its copies counts once
    for label, read in logs:
        key = _key_for(report, label, read, own)
        if key is None:
            continue
        own_key_id = cp.key_id(key)
        for checkpoint in read.checkpoints:
            if checkpoint.signature not in seen:
                seen.add(checkpoint.signature)
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
