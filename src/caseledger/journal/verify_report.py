"""What a journal verification found (journal/verify.py fills it; re-exported there)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
