"""Fitting the classifier: character n-gram TF-IDF and one multinomial logistic regression
per field (scikit-learn), measured on held-out cases, exported as plain arrays (store.py).

It learns only from what may be used: cases that are neither restricted (PIPL Art 47: no
further processing), archived (a stub: their text is in the segment), nor anonymised. A
term enters the vocabulary only when at least MIN_DF training cases contain it, so no
string found in one case alone (a name, an address) can be named by an explanation.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from caseledger.cases.models import Case
from caseledger.classify.features import TEXT_FIELDS, analyse, case_text
from caseledger.classify.models import FIELDS
from caseledger.disposition.reach import ANON_TEXT

MIN_DF = 2
MAX_FEATURES = 50_000
HELD_OUT_PERCENT = 20
C = 1.0  # measured: 10 fitted severity's noise (38% held out vs 43% at 1.0, 3x slower)
BATCH = 5_000
MAX_CASES = 200_000  # the newest this many: enough to learn from, bounded in memory


@dataclass(frozen=True)
class Labelled:
    ids: list[int]
    texts: list[str]
    labels: dict[str, list[str]]  # field -> one value per case


def usable_cases() -> Any:
    return Case.objects.filter(archived_at__isnull=True, restricted_at__isnull=True).exclude(
        subject=ANON_TEXT
    )


def labelled(*, progress: Callable[[int], Any] | None = None) -> Labelled:
    """Every usable case's text and labels, in batches by id."""
    ids: list[int] = []
    texts: list[str] = []
    labels: dict[str, list[str]] = {name: [] for name in FIELDS}
    for rows in _batches():
        for row in rows:
            ids.append(row["pk"])
            texts.append(case_text(row))
            labels["category"].append(row["category"])
            labels["subcategory"].append(row["subcategory"] or "")
            labels["severity"].append(row["severity"])
            labels["department"].append(str(row["department_id"]))
        if progress:
            progress(len(rows))
    return Labelled(ids=ids, texts=texts, labels=labels)


def _batches() -> Iterator[list[dict[str, Any]]]:
    oldest = usable_cases().order_by("-pk").values_list("pk", flat=True)[MAX_CASES - 1 : MAX_CASES]
    last = (oldest[0] - 1) if oldest else 0
    names = ("pk", *TEXT_FIELDS, "category", "subcategory", "severity", "department_id")
    while True:
        rows = list(usable_cases().filter(pk__gt=last).order_by("pk").values(*names)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def held_out(case_id: int) -> bool:
    """A fixed fifth of the cases (by a hash of the id, the same on every run)."""
    return zlib.crc32(str(case_id).encode()) % 100 < HELD_OUT_PERCENT


def split(data: Labelled) -> tuple[list[int], list[int]]:
    """Positions of the training and the held-out cases; every case trains when there are
    too few held-out ones to measure anything."""
    test = [i for i, pk in enumerate(data.ids) if held_out(pk)]
    train = [i for i, pk in enumerate(data.ids) if not held_out(pk)]
    if not test or not train:
        return list(range(len(data.ids))), []
    return train, test


def fit(data: Labelled, train: list[int]) -> dict[str, np.ndarray]:
    """The model's arrays, fitted on the `train` positions of `data`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # BLAS threads on a shared 2-core machine: 6-10x slower
        return _fit(TfidfVectorizer, data, train)


def _fit(vectorizer_class: Any, data: Labelled, train: list[int]) -> dict[str, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    vectorizer = vectorizer_class(
        analyzer=analyse,
        min_df=min(MIN_DF, len(train)),
        max_features=MAX_FEATURES,
        sublinear_tf=True,
        dtype=np.float32,
    )
    x = vectorizer.fit_transform([data.texts[i] for i in train])
    vocabulary = vectorizer.get_feature_names_out()
    arrays: dict[str, np.ndarray] = {
        "vocabulary": np.array([str(t) for t in vocabulary], dtype=str),
        "idf": vectorizer.idf_.astype(np.float32),
        "case_ids": np.array([data.ids[i] for i in train], dtype=np.int64),
    }
    for name in FIELDS:
        y = [data.labels[name][i] for i in train]
        classes = sorted(set(y))
        if len(classes) == 1:  # nothing to learn: always that value
            coef = np.zeros((1, len(vocabulary)), dtype=np.float32)
            intercept = np.zeros(1, dtype=np.float32)
        else:
            model = LogisticRegression(C=C, max_iter=200)
            model.fit(x, y)
            classes = [str(c) for c in model.classes_]
            coef, intercept = model.coef_, model.intercept_
            if len(classes) == 2:  # sigmoid(w.x+b) is the softmax of (0, w.x+b)
                coef = np.vstack([np.zeros_like(coef), coef])
                intercept = np.concatenate([[0.0], intercept])
        arrays[f"{name}.classes"] = np.array(classes, dtype=str)
        arrays[f"{name}.coef"] = np.asarray(coef, dtype=np.float32)
        arrays[f"{name}.intercept"] = np.asarray(intercept, dtype=np.float32)
    return arrays


def measure(predict: Callable[[str], dict[str, Any]], data: Labelled, test: list[int]) -> dict:
    """Accuracy per field on the held-out positions, and how often the right category is
    among the first three suggested."""
    if not test:
        return {}
    right = {name: 0 for name in FIELDS}
    top3 = 0
    for i in test:
        predicted = predict(data.texts[i])
        for name in FIELDS:
            ranked = [value for value, _p in predicted[name].ranked]
            right[name] += ranked[0] == data.labels[name][i]
            if name == "category":
                top3 += data.labels[name][i] in ranked[:3]
    out = {name: round(right[name] / len(test), 4) for name in FIELDS}
    out["category_top3"] = round(top3 / len(test), 4)
    return out
