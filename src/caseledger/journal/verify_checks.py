"""The checks journal/verify.py runs after walking the chain: redactions, the head, the
signed checkpoints and their logs (and the logs' copies at backup destinations)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils.translation import gettext_noop

from caseledger.journal import checkpoints as cp
from caseledger.journal.verify_report import Problem, Report, problem


def check_logs(
    report: Report,
    logs: list[tuple[str, cp.LogRead]],
    copied: list[tuple[str, cp.LogRead]],
    missing: list[str],
    *,
    configured: bool,
) -> None:
    from caseledger.journal import log_checks

    def fail(seq: int | None, msgid: str, /, **params: Any) -> None:
        report.problems.append(problem(seq, "checkpoints", msgid, **params))

    own = cp.log_path() if configured else None
    log_checks.unchecked(fail, logs, configured=own, entries=report.entries)
    fresh = [item for item in logs if own is not None and item[0] == str(own)] + copied
    log_checks.stale(fail, fresh, report.head_seq)
    for label in missing:
        report.notes.append(f"backup destination {label} holds no copy of the checkpoint log yet")


def check_redactions(report: Report, max_problems: int) -> None:
    from caseledger.journal import redactions

    spoiled = {p.seq for p in report.problems if p.seq is not None}
    for seq, why in redactions.problems(report.redactions, spoiled):
        if len(report.problems) >= max_problems:
            break
        msgid, params = why
        report.problems.append(problem(seq, "redaction", msgid, **params))
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))


def drop_superseded(
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


def read_logs(
    report: Report, paths: list[Path] | None, *, quiet: bool = False
) -> list[tuple[str, cp.LogRead]]:
    paths = paths if paths is not None else [cp.log_path()]
    logs = [(str(path), cp.read_log(path)) for path in paths]
    if not quiet:  # otherwise they are problems (check_logs)
        for _, read in logs:
            report.notes.extend(read.unreadable)
    return logs


def check_head(report: Report) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM journal_chainhead WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        if report.entries:
            report.problems.append(
                problem(None, "head", gettext_noop("the chain head row is missing"))
            )
        return
    seq, head_hash = row
    if seq != report.head_seq or head_hash != report.head_hash:
        report.problems.append(
            problem(
                report.head_seq or None,
                "truncated" if seq > report.head_seq else "head",
                gettext_noop("chain head says #%(head)s but the journal ends at #%(end)s"),
                head=seq,
                end=report.head_seq,
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
            report.problems.append(problem(None, "signature", "%(error)s", error=str(exc)))
        else:
            report.notes.append("no signing key and no checkpoint log yet")
        return None
    if own is not None and cp.fingerprint(own) != found.fingerprint:
        report.problems.append(
            problem(
                None,
                "signature",
                gettext_noop(
                    "the public key %(source)s is not this installation's signing key "
                    "(%(found)s vs %(own)s)"
                ),
                source=found.source,
                found=found.fingerprint[:16],
                own=cp.key_id(own),
            )
        )
        return None
    if read.checkpoints:
        report.public_keys[found.fingerprint] = found.source
    return found.key


def _checkpoint_problem(
    report: Report, checkpoint: Any, hashes: dict[int, str], key: Any, own_key_id: str
) -> Problem | None:
    """What is wrong with one signed checkpoint against the walked chain, if anything."""
    where = {"where": f"{checkpoint.source}:{checkpoint.line}", "at": checkpoint.at}
    if checkpoint.key_id != own_key_id or not cp.signature_valid(checkpoint, key):
        return problem(
            checkpoint.seq,
            "signature",
            gettext_noop("checkpoint %(where)s has a bad signature"),
            **where,
        )
    stored = hashes.get(checkpoint.seq)
    if stored is None and checkpoint.seq > report.head_seq:
        return problem(
            checkpoint.seq,
            "truncated",
            gettext_noop(
                "checkpoint %(where)s (signed %(at)s) covers entry #%(seq)s "
                "but the journal ends at #%(end)s"
            ),
            seq=checkpoint.seq,
            end=report.head_seq,
            **where,
        )
    if stored is None:
        if checkpoint.seq == 0:
            return None
        return problem(
            checkpoint.seq,
            "removed",
            gettext_noop("checkpoint %(where)s covers a missing entry"),
            **where,
        )
    if stored != checkpoint.hash:
        return problem(
            checkpoint.seq,
            "rewritten",
            gettext_noop(
                "checkpoint %(where)s (signed %(at)s) records a different hash for "
                "this entry: history up to here was rewritten"
            ),
            **where,
        )
    return None


def check_checkpoints(
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
            found = _checkpoint_problem(report, checkpoint, hashes, key, own_key_id)
            if found is not None:
                report.problems.append(found)


def check_witness(report: Report) -> None:
    """The newest checkpoint this installation's signer signed, remembered beside its key
    (journal/witness.py), against the walked journal: names a rewrite or a cut even when
    every checkpoint log within reach was cut to hide it."""
    from caseledger.journal import witness

    found = witness.broken(report.head_seq)
    if found is not None:
        report.problems.append(problem(found.seq, found.kind, found.msgid, **found.params))
