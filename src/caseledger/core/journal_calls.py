"""Where a journal `Change` may be built by hand, and the checker that finds every other place.

Every service records a change through the one helper, `journal.services.record_change(...)`
(actor, action from the app's `actions.py` enum, object, before, after, reason), so the
state, the diff and the action's spelling are made one way everywhere. Building
`Change(...)` is the journal's own business (`caseledger/journal/`), and that of the few
batch writers below, which append many entries in one burst (`append_many`) for speed.
`tests/test_architecture.py` runs `hand_built(...)` on `src/caseledger` and on planted trees.
Pure (ast, no Django), like `core/floors.py` and `core/sizes.py`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from caseledger.core.sizes import sources

PACKAGE = "caseledger"
HOME = "journal/"  # the journal builds its own entries

# Batch writers: modules that build many `Change` objects for one `append_many` burst. Each
# says why; a single-record write is never one (it calls record_change). A module listed
# here that no longer builds a Change is reported too, so the list stays exact.
BATCH_WRITERS: dict[str, str] = {
    # key rotation re-encrypts a batch of customers in one statement; one entry each
    "customers/rotation.py": "one reencrypt entry per customer of a rotation batch",
    # a segment's cases become stubs in one UPDATE; each case and each note gets an entry
    "archive/writer.py": "one entry per case and note of an archived segment",
    # a retrieved case comes back with its notes, written in one bulk_create
    "archive/services.py": "the restored case and every note restored with it",
    # the records an anonymization reached beyond the one on the certificate
    "disposition/records.py": "the anonymized state of every reached record",
    # a disposition batch's reached records, and the anonymized record with those it reached
    "disposition/services/execution.py": "a batch's reached records; one anonymization's",
    # undoing an import deletes records in parts of PART ids; one entry per record removed
    "intake/spreadsheet/undo.py": "one import_undo entry per record an undo removed",
}


@dataclass(frozen=True, order=True)
class HandBuilt:
    path: str  # relative to src/caseledger
    line: int
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.detail}"


def changes_in(source: str) -> Iterator[tuple[int, str]]:
    """Every `Change(...)` call in `source` (by name, as an attribute `services.Change(...)`,
    or under another name it was imported as from `caseledger.journal`)."""
    tree = ast.parse(source)
    names = {"Change"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "caseledger.journal"
        ):
            names.update(a.asname for a in node.names if a.name == "Change" and a.asname)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in names:
            yield node.lineno, f"builds {name}(...) by hand; call journal.services.record_change"


def hand_built(root: Path, allowed: dict[str, str] | None = None) -> list[HandBuilt]:
    """Every `Change(...)` built outside `journal/` and the `allowed` batch writers under
    `root/caseledger`, and every allowed writer that builds none (the list must stay exact)."""
    allowed = BATCH_WRITERS if allowed is None else allowed
    found: list[HandBuilt] = []
    building: set[str] = set()
    for rel, path in sources(root):
        if rel.startswith(HOME):
            continue
        calls = list(changes_in(path.read_text(encoding="utf-8")))
        if calls:
            building.add(rel)
        if rel not in allowed:
            found += [HandBuilt(rel, line, detail) for line, detail in calls]
    for rel in sorted(set(allowed) - building):
        found.append(HandBuilt(rel, 0, "listed as a batch writer but builds no Change"))
    return sorted(found)
