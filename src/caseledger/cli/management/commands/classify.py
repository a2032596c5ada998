"""`caseledger classify train | status`: train the classification suggestions' model from
the organisation's labelled cases, and show the model in use with its accept/correct rates."""

from __future__ import annotations

from typing import Any

from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Train the classifier behind classification suggestions; show its state."
    json_output = True
    lock_name = "classify-train"
    verbs = {
        "train": "train a model from every usable labelled case (restricted, archived and "
        "anonymised ones are left out), measure it on a held-out fifth and put it in use "
        "(the worker does it each week)",
        "status": "the model in use (date, size, accuracy, sha256) and how often people "
        "accepted or corrected its suggestions",
    }

    def add_train_arguments(self, parser):
        pass

    def add_status_arguments(self, parser):
        pass

    def handle_train(self, **options: Any) -> None:
        from caseledger.classify.services import classify_train

        bar = self.progress(None, "reading cases")
        row = classify_train(actor=None, progress=bar.update)
        bar.close()
        accuracy = ", ".join(f"{k} {v:.3f}" for k, v in row.accuracy.items()) or "not measured"
        self.emit(
            _model(row),
            f"Trained model {row.pk} on {row.cases} case(s), measured on {row.held_out}: "
            f"{accuracy}. {row.size_bytes / 1e6:.1f} MB, sha256 {row.sha256[:12]}…",
        )

    def handle_status(self, **options: Any) -> None:
        from caseledger.classify.queries import model_in_use, rates

        row = model_in_use()
        data: dict[str, Any] = {"model": _model(row) if row else None, "rates": rates()}
        lines = [
            f"Model {row.pk} trained {row.trained_at:%Y-%m-%d %H:%M} UTC on {row.cases} case(s)"
            if row
            else "No model in use: run `caseledger classify train`."
        ]
        for name, r in data["rates"].items():
            rate = "-" if r["accept_rate"] is None else f"{r['accept_rate']:.1%}"
            lines.append(f"  {name}: {r['accepted']} accepted, {r['corrected']} corrected ({rate})")
        self.emit(data, "\n".join(lines))


def _model(row) -> dict[str, Any]:
    return {
        "id": row.pk,
        "trained_at": row.trained_at.isoformat(),
        "cases": row.cases,
        "held_out": row.held_out,
        "vocabulary": row.vocabulary,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "accuracy": row.accuracy,
    }
