"""What a journal verification found (journal/verify.py fills it; re-exported there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop, pgettext

from caseledger.journal.models import GENESIS_HASH

# What the walk finds, in English; the report says it in the operator's language.
EXPECTED = gettext_noop("expected entry #%(expected)s here, found #%(seq)s")
PREV_MISMATCH = gettext_noop("prev_hash does not match the hash of the entry before it")
EDITED = gettext_noop("its contents do not match its hash")
NO_PAYLOAD = gettext_noop("payload row is missing")
BAD_PAYLOAD = gettext_noop("payload does not match its payload_hash")


def kind_label(kind: str) -> str:
    """A problem's kind in the active language (the code itself where none is known)."""
    labels = {
        "edited": pgettext("journal problem", "edited"),
        "removed": pgettext("journal problem", "removed"),
        "inserted": pgettext("journal problem", "inserted"),
        "payload": pgettext("journal problem", "payload"),
        "redaction": pgettext("journal problem", "redaction"),
        "truncated": pgettext("journal problem", "truncated"),
        "rewritten": pgettext("journal problem", "rewritten"),
        "head": pgettext("journal problem", "head"),
        "signature": pgettext("journal problem", "signature"),
        "checkpoints": pgettext("journal problem", "checkpoints"),
    }
    return labels.get(kind, kind)


@dataclass
class Problem:
    """One thing wrong with the journal. `detail` is English (what `--json` gives and the
    tests match); `msgid` and `params` let `shown()` say it in the active language where a
    report is printed, since the parallel walk builds problems in worker processes that know
    no language. `problem()` makes one of each from a msgid marked with gettext_noop."""

    seq: int | None
    # edited, removed, inserted, payload, redaction, truncated, rewritten, head, signature,
    # checkpoints
    kind: str
    detail: str
    msgid: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else "journal"
        return f"{where}: {self.kind}: {self.detail}"

    def shown_detail(self) -> str:
        return gettext(self.msgid) % self.params if self.msgid else self.detail

    def shown(self) -> str:
        """The problem in the active language, as `str()` gives it in English."""
        where = (
            gettext("entry #%(seq)s") % {"seq": self.seq}
            if self.seq is not None
            else gettext("journal")
        )
        return gettext("%(where)s: %(kind)s: %(detail)s") % {
            "where": where,
            "kind": kind_label(self.kind),
            "detail": self.shown_detail(),
        }


def problem(seq: int | None, kind: str, msgid: str, /, **params: Any) -> Problem:
    """A Problem whose detail is `msgid % params` in English and translatable when shown."""
    return Problem(seq, kind, msgid % params, msgid, params)


def misplaced(seq: int, expected_seq: int, prev: str, stored_hash: str) -> Problem:
    """The problem of an entry out of its place: its seq is not `expected_seq` (entries
    removed before it, or it was inserted), or its prev_hash is not `prev`, the hash of the
    entry before it (inserted, or edited with its hash recomputed). Both walks of verify
    ask this, and only when the seq or the prev_hash differs."""
    if seq != expected_seq:
        kind = "removed" if seq > expected_seq else "inserted"
        return problem(seq, kind, EXPECTED, expected=expected_seq, seq=seq)
    return problem(seq, "inserted" if stored_hash != prev else "edited", PREV_MISMATCH)


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
            "problems": [
                {"seq": p.seq, "kind": p.kind, "detail": p.detail, "shown": p.shown()}
                for p in self.problems
            ],
            "notes": self.notes,
            "public_keys": self.public_keys,
        }
