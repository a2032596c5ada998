"""The trained model on disk, and the arithmetic that serves it.

Dangerous because a model file is code-adjacent: a pickle (scikit-learn's own format,
joblib) runs whatever it contains when loaded, so one planted file in the data directory
would run as the web process. This module never unpickles. A model is a plain numpy
archive of numbers and strings (the vocabulary, its idf, each field's classes, weights and
intercepts, the ids of the cases it learned from), read with `allow_pickle=False`, and only
after its sha256 matches the one recorded in the database when it was trained. A file that
does not match is refused with a clear message, never loaded.

What it guarantees: prediction here equals scikit-learn's on the same text (sublinear tf,
idf, l2 norm, then a softmax of the linear scores: multinomial logistic regression), which
`tests/classify/test_store.py` checks; an explanation names only vocabulary terms (n-grams
seen in at least two training cases), never a run of case text.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from caseledger.classify.actions import ClassifyAction
from caseledger.classify.features import analyse
from caseledger.classify.models import FIELDS, TrainedModel
from caseledger.core import clock
from caseledger.core.durable import write_atomically
from caseledger.core.erasure import Erasure
from caseledger.core.errors import Conflict
from caseledger.core.state import model_state
from caseledger.journal.services import record_change

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def directory() -> Path:
    return Path(settings.DATA_DIR) / "classify"


def save(arrays: dict[str, np.ndarray], stamp: str) -> tuple[str, str, int]:
    """Write the archive; its file name, sha256 and size."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    data = buffer.getvalue()
    name = f"model-{stamp}.npz"
    write_atomically(directory() / name, data)
    return name, hashlib.sha256(data).hexdigest(), len(data)


@dataclass(frozen=True)
class FieldWeights:
    classes: list[str]
    coef: np.ndarray  # classes x vocabulary
    intercept: np.ndarray


@dataclass(frozen=True)
class Prediction:
    ranked: list[tuple[str, float]]  # (value, probability), best first
    terms: list[str]  # the vocabulary terms that pushed most toward the best value


class Loaded:
    """A verified model, ready to predict."""

    def __init__(self, archive: Any) -> None:
        self.terms: list[str] = [str(t) for t in archive["vocabulary"]]
        self.index = {term: i for i, term in enumerate(self.terms)}
        self.idf = archive["idf"].astype(np.float64)
        self.case_ids = set(int(i) for i in archive["case_ids"])
        self.fields = {
            name: FieldWeights(
                classes=[str(c) for c in archive[f"{name}.classes"]],
                coef=archive[f"{name}.coef"].astype(np.float64),
                intercept=archive[f"{name}.intercept"].astype(np.float64),
            )
            for name in FIELDS
            if f"{name}.classes" in archive
        }

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The tf-idf vector of `text` as (column indices, values): sublinear tf, l2 norm."""
        counts: dict[int, int] = {}
        for term in analyse(text):
            j = self.index.get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        values = tf * self.idf[idx]
        norm = float(np.sqrt((values**2).sum()))
        return idx, values / norm if norm else values

    def predict(self, text: str, *, explain: int = 5) -> dict[str, Prediction]:
        """Every field's values, most probable first, and the terms behind the first."""
        idx, values = self.vector(text)
        out: dict[str, Prediction] = {}
        for name, weights in self.fields.items():
            scores = weights.coef[:, idx] @ values + weights.intercept
            scores = np.exp(scores - scores.max())
            probs = scores / scores.sum()
            order = np.argsort(-probs, kind="stable")
            best = int(order[0])
            pushed = weights.coef[best, idx] * values
            terms = [
                self.terms[int(idx[k])]
                for k in np.argsort(-pushed, kind="stable")[:explain]
                if pushed[k] > 0
            ]
            ranked = [(weights.classes[int(k)], float(probs[k])) for k in order]
            out[name] = Prediction(ranked=ranked, terms=terms)
        return out


def no_model() -> Conflict:
    return Conflict(
        _(
            "no classifier has been trained yet: an administrator runs `caseledger classify "
            "train` (the worker also trains one each week once there are labelled cases)"
        ),
        code="no_model",
    )


def active() -> tuple[TrainedModel, Loaded]:
    """The model in use, verified; Conflict when there is none or its file is not the one
    that was trained."""
    row = TrainedModel.objects.filter(active=True).first()
    if row is None:
        raise no_model()
    key = f"{row.pk}:{row.sha256}"
    with _lock:
        if _cache.get("key") != key:
            _cache.clear()
            _cache.update(key=key, loaded=Loaded(_verified_archive(row)))
        return row, _cache["loaded"]


def _verified_archive(row: TrainedModel) -> Any:
    path = directory() / row.filename
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    if not data or hashlib.sha256(data).hexdigest() != row.sha256:
        raise Conflict(
            _(
                "the classifier's model file %(name)s is missing or is not the file that was "
                "trained (its sha256 differs), so it is not loaded; train a new one with "
                "`caseledger classify train`"
            )
            % {"name": row.filename},
            code="model_mismatch",
        )
    return np.load(io.BytesIO(data), allow_pickle=False)


def retire(row: TrainedModel, *, actor: Any, reason: str) -> None:
    """Take a model out of use and delete its file once the transaction commits. Inside the
    caller's write_transaction (training a new one, or an erasure)."""
    before = model_state(row)
    row.active = False
    row.retired_at = clock.now()
    row.retired_reason = reason
    row.save(update_fields=["active", "retired_at", "retired_reason"])
    record_change(
        actor=actor,
        action=ClassifyAction.RETIRE,
        object_type="trained_model",
        object_id=row.pk,
        after=model_state(row),
        before=before,
        reason=reason,
    )
    path = directory() / row.filename
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


def on_erasure(request: Erasure) -> None:
    """core.erasure handler: a model that learned from an erased case goes out of use (its
    weights came partly from that text); the worker's next round trains a new one."""
    if not request.case_ids:
        return
    for row in TrainedModel.objects.filter(active=True).select_for_update():
        try:
            learned = {int(i) for i in _verified_archive(row)["case_ids"]}
        except Conflict:
            learned = set(request.case_ids)  # unreadable: cannot tell, so retire it
        if learned & request.case_ids:
            retire(row, actor=None, reason="erasure")
