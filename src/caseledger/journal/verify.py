"""Walking the chain. Reports the first broken entry, redactions, and checkpoint mismatches."""

from __future__ import annotations

import bisect
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

from caseledger.journal.canonical import entry_digest, payload_digest
from caseledger.journal.models import GENESIS_HASH
from caseledger.journal.verify_checks import (
    check_checkpoints,
    check_head,
    check_logs,
    check_redactions,
    check_witness,
    drop_superseded,
    read_logs,
)
from caseledger.journal.verify_report import (
    BAD_PAYLOAD,
    EDITED,
    NO_PAYLOAD,
    Problem,
    Report,
    misplaced,
    problem,
)
from caseledger.journal.verify_sql import (
    ROW,
    SQL,
    SQLITE_ENTRIES,
    SQLITE_PAYLOADS,
    plain_header,
)

__all__ = ["Problem", "Report", "verify_chain"]


_CHUNK = 1000


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
        cursor.execute(ROW, [seq])
        # ROW: seq, at, then the nine hashed fields in entry_digest's order.
        s, at, *fields = cursor.fetchone()
    return entry_digest(prev, s, _time_text(at), *fields)


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
    """Everything wrong with one entry of the SQLite walk (row as SQLITE_ENTRIES gives it),
    decided exactly as `_walk_plain` decides it."""
    seq, prev_hash, stored_hash, payload_hash, header = row
    problems: list[Problem] = []
    redaction = None
    if seq != expected_seq or prev_hash != prev:
        problems.append(misplaced(seq, expected_seq, prev, stored_hash))
    else:
        computed = None
        if header is not None and plain_header(header):
            computed = hashlib.sha256((prev + header).encode()).hexdigest()
        if computed != stored_hash:
            computed = _reference_digest(prev, seq)
        if computed != stored_hash:
            problems.append(problem(seq, "edited", EDITED))
    if check_payloads:
        if payload is None:
            problems.append(problem(seq, "payload", NO_PAYLOAD))
        elif payload[1] is None:
            redaction = {"seq": seq, "by": payload[2]}
        elif hashlib.sha256(payload[1]).hexdigest() != payload_hash:
            problems.append(problem(seq, "payload", BAD_PAYLOAD))
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
    intact; anything it cannot prove goes to `_judge`, so what is reported is the same.

    Long because it is the verifier's inner loop, kept in one frame for speed
    (bench/journal_verify.py)."""
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
        entries.execute(SQLITE_ENTRIES, (after, upto))
        while chunk := entries.fetchmany(_CHUNK):
            first, last = chunk[0][0], chunk[-1][0]
            bodies: list[tuple] = []
            if check_payloads:
                bodies = payloads.execute(SQLITE_PAYLOADS, (first, last)).fetchall()
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
    """The walk through Django's cursor. Long because it is the verifier's inner loop,
    kept in one frame for speed (bench/journal_verify.py)."""
    scan = _Scan()
    expected_seq, prev = _start(after)
    found = 0  # problems in this range; past max_problems nothing more can be reported
    for row in _fetch(SQL, [after, upto]):
        # SQL: seq, at, the nine hashed fields in entry_digest's order (actor_id to
        # payload_hash), prev_hash, hash, the payload's body, redaction_ref and entry id.
        seq = row[0]
        payload_hash, prev_hash, stored_hash, body, redaction_ref, payload_id = row[10:]
        scan.entries += 1
        if progress and scan.entries % _PROGRESS_EVERY == 0:
            progress(_PROGRESS_EVERY)
        if found <= max_problems:
            problems: list[Problem] = []
            redaction = None
            if seq != expected_seq or prev_hash != prev:
                problems.append(misplaced(seq, expected_seq, prev, stored_hash))
            else:
                computed = entry_digest(prev, seq, _time_text(row[1]), *row[2:11])
                if computed != stored_hash:
                    problems.append(problem(seq, "edited", EDITED))
            if check_payloads:
                if payload_id is None:
                    problems.append(problem(seq, "payload", NO_PAYLOAD))
                elif body is None:
                    redaction = {"seq": seq, "by": redaction_ref}
                elif payload_digest(body) != payload_hash:
                    problems.append(problem(seq, "payload", BAD_PAYLOAD))
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
    logs = read_logs(report, checkpoint_logs, quiet=expect_checkpoints)
    found_copies = copy_logs.read_all() if copies else []
    missing = [c.read.source for c in found_copies if not c.read.exists]
    copied = [(c.read.source, c.read) for c in found_copies if c.read.exists]
    logs += copied
    logs = drop_superseded(report, logs)
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
    check_redactions(report, max_problems)
    check_head(report)
    check_checkpoints(report, hashes, logs)
    if checkpoint_logs is None or expect_checkpoints:  # this installation's own journal
        check_witness(report)
    if expect_checkpoints:
        check_logs(report, logs, copied, missing, configured=checkpoint_logs is None)
    return report
