"""Classification suggestions on held-out demo data: accuracy per field (category,
subcategory, severity, department), how often the right category is among the first three,
against always guessing the commonest value; training time, model size and the time to
suggest for one case.

    .venv/bin/python bench/classify.py [--quick] [--cases N] [--reuse DATA_DIR]

The demo's labels come from its generator: category and subcategory follow the text pools,
the department follows the customer (and what that department handles), and severity is
drawn at random (raised for the serious subcategories), so a text can only partly tell it.
The held-out fifth is chosen by a hash of the case id (classify/train.py), never trained on.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

FIELDS = ("category", "subcategory", "severity", "department")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=50_000)
    p.add_argument("--reuse", metavar="DATA_DIR")
    p.add_argument("--suggest", type=int, default=300, help="timed single-case suggestions")
    args = p.parse_args()
    if args.quick:
        args.cases, args.suggest = 3000, 100
    with common.data_dir("classify", keep=args.keep, reuse=args.reuse):
        if not args.reuse:
            common.caseledger("migrate", "-v0")
            common.caseledger("demo", "--cases", str(args.cases), "--no-progress")
        common.django_setup()
        from django.db import connection

        from caseledger.classify import store, train

        with common.timer() as read:
            data = train.labelled()
        positions, test = train.split(data)
        print(
            f"{len(data.ids):,} usable labelled cases on {connection.vendor}: "
            f"{len(positions):,} train, {len(test):,} held out ({read[0]:.1f} s to read)"
        )
        with common.timer() as fitting:
            arrays = train.fit(data, positions)
        loaded = store.Loaded(arrays)
        with common.timer() as measuring:
            accuracy = train.measure(loaded.predict, data, test)
        name, _sha, size = store.save(arrays, "bench")
        results = [
            common.Result("train (fit)", fitting[0], "s"),
            common.Result("model size", size / 1e6, "MB"),
            common.Result("vocabulary", len(arrays["vocabulary"]) / 1e3, "k terms"),
        ]
        for field in FIELDS:
            results.append(common.Result(f"accuracy {field}", 100 * accuracy[field], "%"))
        results.append(
            common.Result("right category in top 3", 100 * accuracy["category_top3"], "%")
        )
        # What the new-case form sees once only a subject is typed.
        subjects = train.Labelled(
            ids=data.ids, texts=[t.split("\n", 1)[0] for t in data.texts], labels=data.labels
        )
        from_subject = train.measure(loaded.predict, subjects, test)
        for field in ("category", "department"):
            results.append(
                common.Result(f"{field} from subject alone", 100 * from_subject[field], "%")
            )
        results.append(
            common.Result("top 3 from subject alone", 100 * from_subject["category_top3"], "%")
        )
        # How many labelled cases an organisation needs: the same held-out cases, fewer to
        # learn from (the first N training cases by id).
        for n in (50, 200, 1000):
            if n < len(positions):
                small = store.Loaded(train.fit(data, positions[:n]))
                got = train.measure(small.predict, data, test)
                for field in ("category", "department"):
                    results.append(common.Result(f"{field}, {n} trained", 100 * got[field], "%"))
        times = []
        for i in test[: args.suggest]:
            started = time.perf_counter()
            loaded.predict(data.texts[i])
            times.append((time.perf_counter() - started) * 1000)
        results.append(common.Result("suggest p50", common.percentile(times, 50), "ms"))
        results.append(
            common.Result("suggest p95", common.percentile(times, 95), "ms", "< 50 ms", None)
        )
        results[-1].passed = results[-1].value < 50
        ratios = []
        for field in FIELDS:
            train_labels = Counter(data.labels[field][i] for i in positions)
            commonest = train_labels.most_common(1)[0][0]
            baseline = sum(data.labels[field][i] == commonest for i in test) / len(test)
            ratios.append((f"{field} accuracy / commonest-value guess", accuracy[field] / baseline))
        print(f"(measured in {measuring[0]:.1f} s; model file {name})")
        common.report("classification suggestions", results, ratios)


if __name__ == "__main__":
    main()
