"""Training: from the organisation's own labelled cases, measured, saved as plain arrays
with the hash in the database, and journaled."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from caseledger.classify import store
from caseledger.classify.models import TrainedModel
from caseledger.classify.services import classify_train
from caseledger.core.errors import Conflict, PermissionDenied
from caseledger.journal.models import Entry


def test_an_administrator_trains_and_the_run_is_journaled_with_size_and_accuracy(
    people, trained, _model_dir
):
    path = _model_dir / "classify" / trained.filename
    assert hashlib.sha256(path.read_bytes()).hexdigest() == trained.sha256
    assert trained.size_bytes == path.stat().st_size
    assert trained.active and trained.cases + trained.held_out == 12
    entry = Entry.objects.filter(action="classify.train").get()
    assert entry.object_id == str(trained.pk)
    state = json.loads(entry.payload.body)["state"]
    assert state["sha256"] == trained.sha256 and state["size_bytes"] == trained.size_bytes


def test_training_again_retires_the_model_before_and_deletes_its_file(
    people, trained, _model_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        second = classify_train(actor=people.admin)
    first = TrainedModel.objects.get(pk=trained.pk)
    assert not first.active and first.retired_reason == "replaced"
    assert second.active
    assert not (_model_dir / "classify" / first.filename).exists()
    assert Entry.objects.filter(action="classify.retire", object_id=str(first.pk)).exists()


def test_an_agent_may_not_train(people, history):
    with pytest.raises(PermissionDenied):
        classify_train(actor=people.agent)


def test_training_with_too_few_cases_says_how_many_are_needed(people, case):
    with pytest.raises(Conflict, match="at least 10"):
        classify_train(actor=people.admin)
    assert not TrainedModel.objects.exists()


def test_restricted_cases_are_not_learned_from(people, history):
    from caseledger.classify.train import labelled

    history[0].__class__.objects.filter(pk=history[0].pk).update(
        restricted_at=history[0].created_at
    )
    assert history[0].pk not in labelled().ids


def test_the_saved_model_is_plain_arrays_that_load_without_pickle(trained, _model_dir):
    data = (_model_dir / "classify" / trained.filename).read_bytes()
    import io

    archive = np.load(io.BytesIO(data), allow_pickle=False)
    assert all(archive[name].dtype != object for name in archive.files)


def test_serving_arithmetic_equals_scikit_learn(people, history):
    """The numpy predict in store.py gives scikit-learn's probabilities."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from caseledger.classify import train

    data = train.labelled()
    everything = list(range(len(data.ids)))
    arrays = train.fit(data, everything)
    loaded = store.Loaded(arrays)
    vectorizer = TfidfVectorizer(analyzer=train.analyse, min_df=2, sublinear_tf=True)
    x = vectorizer.fit_transform(data.texts)
    model = LogisticRegression(C=train.C, max_iter=200).fit(x, data.labels["category"])
    for text in ("快递一直没到", "charged twice 扣费"):
        ours = dict(loaded.predict(text)["category"].ranked)
        theirs = dict(
            zip(model.classes_, model.predict_proba(vectorizer.transform([text]))[0], strict=True)
        )
        for label, p in theirs.items():
            assert ours[label] == pytest.approx(p, abs=1e-5)


def test_the_command_trains_and_reports_the_figures(people, history):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("classify", "train", "--json", "--no-progress", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["cases"] + figures["held_out"] == 12 and len(figures["sha256"]) == 64
    out = io.StringIO()
    call_command("classify", "status", stdout=out)
    assert "category: 0 accepted, 0 corrected" in out.getvalue()


def test_the_command_with_too_few_cases_says_so_without_a_traceback(people, case):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="at least 10"):
        call_command("classify", "train", "--no-progress")
