"""Similar resolved cases: BM25 (bm25s) over the same tokens as the full-text index.

The model is built from every resolved case (responded or closed, with a resolution) by
`caseledger search similar-build` and by the worker each hour, and kept in the data
directory (`search/similar/`); a web process loads it once and again when it changes.
What a person is shown is filtered through the case list's scope, so a similar case they
may not see is never named. A case resolved since the last build is suggested after the
next one; an archived case (its text is in its segment) is not suggested.
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from caseledger.accounts.models import User
from caseledger.cases.models import Case, Status
from caseledger.cases.queries import case_list
from caseledger.core import clock
from caseledger.core.durable import write_atomically
from caseledger.search.tokens import document_tokens

QUERY_FIELDS = ("subject", "description", "customer_request")
RESOLVED = (Status.RESPONDED, Status.CLOSED)
CANDIDATES = 200  # the model's best, before the person's scope narrows them
BATCH = 5_000

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def directory() -> Path:
    return Path(settings.DATA_DIR) / "search" / "similar"


def _texts(row: dict[str, Any]) -> list[str]:
    from caseledger.search.indexer import indexed

    names = (*QUERY_FIELDS, "root_cause")
    return [row.get(name) or "" for name in names if indexed(f"case.{name}")]


def build(*, progress: Any = None) -> dict[str, Any]:
    """Build the model from the resolved cases' subject, description, demands and root
    cause, and replace the saved one."""
    import bm25s

    resolved = Case.objects.filter(
        status__in=RESOLVED, archived_at__isnull=True, restricted_at__isnull=True
    ).exclude(resolution="")
    ids: list[int] = []
    corpus: list[list[str]] = []
    last = 0
    while True:
        rows = list(
            resolved.filter(pk__gt=last)
            .order_by("pk")
            .values("pk", *QUERY_FIELDS, "root_cause")[:BATCH]
        )
        if not rows:
            break
        for row in rows:
            tokens = document_tokens(_texts(row))
            if tokens:
                ids.append(row["pk"])
                corpus.append(tokens)
        last = rows[-1]["pk"]
        if progress:
            progress(len(rows))
    # Each build has its own folder; cases.json names it, replaced atomically, so a reader
    # never pairs a model with another build's case ids.
    built_at = clock.now()
    target = directory()
    folder = target / built_at.strftime("%Y%m%dT%H%M%S%f")
    folder.mkdir(parents=True, exist_ok=True)
    if corpus:
        model = bm25s.BM25()
        model.index(corpus, show_progress=False)
        model.save(str(folder), show_progress=False)
    meta = {"ids": ids, "built_at": built_at.isoformat(), "folder": folder.name}
    write_atomically(target / "cases.json", json.dumps(meta).encode())
    for old in target.iterdir():
        if old.is_dir() and old.name != folder.name:
            shutil.rmtree(old, ignore_errors=True)
    return {"cases": len(ids), "built_at": meta["built_at"]}


def _model() -> tuple[Any, list[int]] | None:
    import bm25s

    meta_file = directory() / "cases.json"
    if not meta_file.exists():
        return None
    stamp = meta_file.stat().st_mtime_ns
    with _lock:
        if _loaded.get("stamp") != stamp:
            meta = json.loads(meta_file.read_text())
            folder = directory() / meta["folder"]
            model = (
                bm25s.BM25.load(str(folder), show_progress=False, mmap=True)
                if meta["ids"]
                else None
            )
            _loaded.update(stamp=stamp, model=model, ids=meta["ids"])
        if _loaded["model"] is None:
            return None
        return _loaded["model"], _loaded["ids"]


@dataclass(frozen=True)
class Similar:
    case: Case
    score: float


def similar_cases(*, actor: User, case: Case, limit: int = 5) -> list[Similar]:
    """The resolved cases most like `case` that `actor` may see, best first."""
    loaded = _model()
    if loaded is None:
        return []
    model, ids = loaded
    vocabulary = model.vocab_dict
    tokens = [t for t in dict.fromkeys(document_tokens(_texts(case.__dict__))) if t in vocabulary]
    if not tokens:
        return []
    found, scores = model.retrieve(
        [tokens], k=min(CANDIDATES, len(ids)), show_progress=False, n_threads=1
    )
    ranked = [(ids[int(i)], float(s)) for i, s in zip(found[0], scores[0], strict=True) if s > 0]
    ranked = [(pk, s) for pk, s in ranked if pk != case.pk]
    visible = case_list(actor=actor).filter(pk__in=[pk for pk, _ in ranked]).in_bulk()
    return [Similar(case=visible[pk], score=s) for pk, s in ranked if pk in visible][:limit]
