"""Full-text search on the demo: index build time and size; p50/p95 of the first page for
1-, 2-, 3-, 4- and 6-character Chinese terms, English words, references and mixed queries,
newest 50 and ranked; recall and precision against a substring scan on a sample.

    .venv/bin/python bench/search.py [--quick] [--cases N] [--reuse DATA_DIR] [--no-build]
        [--user NAME] [--scoped-user NAME] [--ab]
    DATABASE_URL=postgres://… .venv/bin/python bench/search.py --reuse DATA_DIR

--ab: ranked only, the window ranked as before 2026-12-06 (SQLite: FTS5's bm25(), kept
here as `Bm25Window`; PostgreSQL: ts_rank in a second statement, `RankAgain`) against the
engine's own, query by query in one
process, alternating which goes first; p50/p95 of each, the median of the per-query
ratios and how much of the first page both agree on (docs/adr/0008-search-index.md).

--scoped-user: the same queries also searched as someone the case list limits (an agent:
one department, restricted cases hidden), timed alongside, so scoped and unscoped come from
one run; a few of their newest pages are checked against the case list's own answer.

With --reuse the demo in DATA_DIR is used (made by `caseledger demo`); without, a demo of
--cases cases is made first. The index is rebuilt unless --no-build.
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

KINDS = ("zh1", "zh2", "zh3", "zh4", "zh6", "en", "ref", "mixed")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[A-Za-z]{3,}")


def texts_of(ids: list[int]) -> dict[int, str]:
    """Everything the index holds of each case, as one text (fields joined by spaces); an
    archived case's long text and notes from its segment."""
    from caseledger.cases.models import Case, CaseNote
    from caseledger.search.indexer import CASE_FIELDS, LONG_FIELDS, _archived_records

    out: dict[int, list[str]] = {}
    archived = []
    for row in Case.objects.filter(pk__in=ids).values(
        "id", *CASE_FIELDS, "customer__kind", "customer__name", "archived_at"
    ):
        parts = [row[f] for f in CASE_FIELDS]
        if row["customer__kind"] == "organisation":
            parts.append(row["customer__name"])
        out[row["id"]] = parts
        if row["archived_at"] is not None:
            archived.append(row["id"])
    for pk, record in _archived_records(archived).items():
        out[pk] += [record["case"].get(f) or "" for f in LONG_FIELDS]
        out[pk] += [n["body"] for n in record.get("notes", [])]
    for case_id, body in CaseNote.objects.filter(case_id__in=ids).values_list("case_id", "body"):
        out[case_id].append(body)
    return {pk: " ".join(p for p in parts if p) for pk, parts in out.items()}


def make_queries(sample: dict[int, str], per_kind: int, rng: random.Random) -> dict[str, list]:
    from caseledger.cases.models import Case

    texts = list(sample.values())
    queries: dict[str, list[str]] = {k: [] for k in KINDS}
    tries = 0
    while min(len(v) for v in queries.values()) < per_kind and tries < 100_000:
        tries += 1
        text = rng.choice(texts)
        runs = _CJK_RUN.findall(text)
        words = _WORD.findall(text)
        for n in (1, 2, 3, 4, 6):
            long_runs = [r for r in runs if len(r) >= n]
            if long_runs and len(queries[f"zh{n}"]) < per_kind:
                run = rng.choice(long_runs)
                start = rng.randrange(len(run) - n + 1)
                queries[f"zh{n}"].append(run[start : start + n])
        if words and len(queries["en"]) < per_kind:
            queries["en"].append(rng.choice(words).lower())
        if words and runs and len(queries["mixed"]) < per_kind:
            run = rng.choice(runs)
            queries["mixed"].append(f"{run[:2]} {rng.choice(words).lower()}")
    refs = list(
        Case.objects.order_by("?").values_list("reference", "order_ref", "product_ref")[:per_kind]
    )
    queries["ref"] = [rng.choice([r for r in row if r]) for row in refs]
    return queries


def scan(text: str, query: str) -> bool:
    """The reference: every term of the query occurs in the text (normalised), starting
    inside a CJK run or at a word's start (tests/search/test_index_matches_scan.py)."""
    from caseledger.search.tokens import segments

    canonical = " ".join(p for _, p in segments(text))
    for term in query.split():
        wanted = " ".join(p for _, p in segments(term))
        starts_cjk = next(segments(term))[0]
        found = False
        start = canonical.find(wanted)
        while start != -1 and not found:
            found = start == 0 or canonical[start - 1] == " " or starts_cjk
            start = canonical.find(wanted, start + 1)
        if not found:
            return False
    return True


def index_hits(query: str, ids: list[int]) -> set[int]:
    from django.db import connection

    from caseledger.search.backends import backend
    from caseledger.search.tokens import parse

    sql, params = backend().matching(parse(query))
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT case_id FROM ({sql}) AS m WHERE case_id IN ({marks})", [*params, *ids]
        )
        return {r[0] for r in cursor.fetchall()}


def _timed(call, *args, **kwargs) -> float:
    started = time.perf_counter()
    call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def engine_scope(actor):
    """The scope search() hands the engine for this person, no filter."""
    from caseledger.search.queries import engine_scope as scope_of
    from caseledger.search.queries import scoped

    return scope_of(actor, {}, scoped(actor, {}))


def scoped_pages_agree(agent, queries: dict[str, list[str]]) -> tuple[int, int]:
    """How many of the agent's newest first pages (2 queries per kind) equal the newest 50
    matches among the case list's cases for them, found without the engine's scope."""
    from caseledger.search.queries import matching_ids, scoped, search
    from caseledger.search.tokens import parse

    same = asked = 0
    for kind in KINDS:
        for q in queries[kind][:2]:
            got = [h.case.pk for h in search(actor=agent, q=q, order="newest", limit=50).hits]
            found = matching_ids(scoped(agent, {}), parse(q)).order_by("-pk")
            expected = list(found.values_list("pk", flat=True)[:50])
            same += got == expected
            asked += 1
    return same, asked


def bm25_window_backend():
    """The engine ranking its window as it did before 2026-12-06 (for --ab): SQLite with
    FTS5's bm25(), PostgreSQL with ts_rank in a second statement reading each case again."""
    from django.db import connection

    from caseledger.search.backends import PostgresBackend, SqliteBackend, run_sql

    class RankAgain(PostgresBackend):
        def _ranked_window(self, scope, expression, window, limit, offset):
            sql = (
                "SELECT w.doc, r.score FROM unnest(%s::bigint[]) AS w(doc) CROSS JOIN "
                f"LATERAL (SELECT max(ts_rank(s.tsv, %s::tsquery)) AS score FROM {self.TABLE}"
                f" AS s WHERE s.{self.KEY} = w.doc AND s.tsv @@ %s::tsquery) AS r "
                "ORDER BY r.score DESC, w.doc DESC LIMIT %s OFFSET %s"
            )
            ids = self._newest(scope, expression, window, None)
            rows = run_sql(sql, [ids, expression, expression, limit, offset])
            return [(r[0], float(r[1])) for r in rows]

    if connection.vendor == "postgresql":
        return RankAgain()

    class Bm25Window(SqliteBackend):
        def _ranked_window(self, query, where, params, window, limit, offset):
            weights = ", 1.0, 0.0" if self.SCOPED else ""
            inner = (
                f"SELECT f.rowid AS doc, bm25({self.TABLE}{weights}) AS score "
                f"FROM {self.TABLE} AS f WHERE {' AND '.join(where)} "
                "ORDER BY f.rowid DESC LIMIT %s"
            )
            sql = f"SELECT doc, score FROM ({inner}) ORDER BY score, doc DESC LIMIT %s OFFSET %s"
            return [(r[0], -r[1]) for r in run_sql(sql, [*params, window, limit, offset])]

    return Bm25Window()


def ab_ranked(queries: dict[str, list[str]], searchers: list) -> list:
    """Interleaved A/B of ranked `search()`: before (bm25() over the window) and after."""
    from unittest import mock

    from caseledger.search import queries as search_queries
    from caseledger.search.backends import backend

    old = bm25_window_backend()
    results: list[common.Result] = []
    for kind in KINDS:
        for label, who, _where in searchers:
            before, after, ratios, top10 = [], [], [], []
            for i, q in enumerate(queries[kind]):
                pages = {}
                for which in ("old", "new") if i % 2 else ("new", "old"):
                    engine = old if which == "old" else backend()
                    with mock.patch.object(search_queries, "backend", lambda e=engine: e):
                        started = time.perf_counter()
                        found = search_queries.search(actor=who, q=q, order="ranked", limit=50)
                        took = (time.perf_counter() - started) * 1000
                    (before if which == "old" else after).append(took)
                    pages[which] = [h.case.pk for h in found.hits]
                ratios.append(after[-1] / before[-1])
                if pages["old"]:
                    first = pages["old"][:10]
                    top10.append(len(set(first) & set(pages["new"][:10])) / len(first))
            name = f"A/B {label}ranked {kind}"
            for tag, times in (("before", before), ("after", after)):
                results.append(
                    common.Result(
                        f"{name} {tag} p50/p95",
                        common.percentile(times, 50),
                        f"/ {common.percentile(times, 95):.1f} ms",
                    )
                )
            results.append(
                common.Result(f"  {name} ratio (median)", common.percentile(ratios, 50), "")
            )
            if top10:
                results.append(
                    common.Result(f"  {name} top-10 shared", 100 * sum(top10) / len(top10), "%")
                )
    return results


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--reuse", metavar="DATA_DIR")
    p.add_argument("--no-build", action="store_true", help="use the index as it is")
    p.add_argument("--per-kind", type=int, default=30, help="timed queries per kind")
    p.add_argument("--sample", type=int, default=3000, help="cases scanned for recall")
    p.add_argument("--user", default="compliance", help="who searches (default: sees all)")
    p.add_argument("--scoped-user", metavar="NAME", help="also search as NAME (e.g. sales.agent1)")
    p.add_argument(
        "--ab", action="store_true", help="ranked only: the window ranked as before vs now"
    )
    args = p.parse_args()
    if args.quick:
        args.cases, args.per_kind, args.sample = 2000, 10, 500
    rng = random.Random(14)
    with common.data_dir("search", keep=args.keep, reuse=args.reuse):
        if not args.reuse:
            common.caseledger("migrate", "-v0")
            common.caseledger("demo", "--cases", str(args.cases), "--no-progress")
        common.django_setup()
        from django.db import connection

        from caseledger.accounts.models import User
        from caseledger.cases.models import Case
        from caseledger.search import indexer
        from caseledger.search.backends import backend
        from caseledger.search.queries import rank_window, search
        from caseledger.search.tokens import parse

        results: list[common.Result] = []
        total = Case.objects.count()
        print(f"{total:,} cases on {connection.vendor}")
        if not args.no_build:
            started = time.perf_counter()
            built = indexer.rebuild()
            took = time.perf_counter() - started
            results.append(
                common.Result("reindex", took, "s", "< 300 s at 1M", took < 300 * total / 1e6)
            )
            print(f"reindexed {built['cases']:,} cases in {took:.1f} s")
        indexer.catch_up()
        size = backend().size_bytes()
        if size:
            results.append(common.Result("index size", size / 1e6, "MB"))
        actor = User.objects.get(username=args.user)
        scope = engine_scope(actor)
        ids = list(Case.objects.order_by("?").values_list("pk", flat=True)[: args.sample])
        sample = texts_of(ids)
        queries = make_queries(sample, args.per_kind, rng)
        searchers = [("", actor, scope)]
        if args.scoped_user:
            agent = User.objects.get(username=args.scoped_user)
            searchers.append(("scoped ", agent, engine_scope(agent)))
        if args.ab:
            results += ab_ranked(queries, searchers)
            common.report(f"search A/B on {total:,} cases ({connection.vendor})", results)
            return
        for order in ("newest", "ranked"):
            for kind in KINDS:
                for label, who, where in searchers:
                    times, engine = [], []
                    for q in queries[kind]:
                        times.append(_timed(search, actor=who, q=q, order=order, limit=50))
                        engine.append(
                            _timed(
                                backend().page,
                                parse(q),
                                scope=where,
                                order=order,
                                limit=51,
                                window=rank_window() if order == "ranked" else None,
                            )
                        )
                    p95 = common.percentile(times, 95)
                    name = f"{label}{order} {kind}"
                    results.append(common.Result(f"{name} p50", common.percentile(times, 50), "ms"))
                    results.append(common.Result(f"{name} p95", p95, "ms", "< 50 ms", p95 < 50))
                    results.append(
                        common.Result(
                            f"  {label}index only {kind} p95", common.percentile(engine, 95), "ms"
                        )
                    )
        if args.scoped_user:
            same, asked = scoped_pages_agree(agent, queries)
            results.append(common.Result("scoped pages = case list", same, f"of {asked}"))
        misses = false_hits = expected_total = 0
        checked = 0
        for kind in KINDS:
            for q in queries[kind][: max(5, args.per_kind // 3)]:
                expected = {pk for pk, text in sample.items() if scan(text, q)}
                got = index_hits(q, list(sample))
                misses += len(expected - got)
                false_hits += len(got - expected)
                expected_total += len(expected)
                checked += 1
        recall = 1 - misses / expected_total if expected_total else 1.0
        found_total = expected_total - misses + false_hits
        precision = 1 - false_hits / found_total if found_total else 1.0
        results.append(common.Result("recall", recall, "", "1.0", recall == 1.0))
        results.append(common.Result("precision", precision, "", "1.0", precision == 1.0))
        print(
            f"recall/precision over {checked} queries on {len(sample)} cases: "
            f"{misses} misses, {false_hits} false hits of {expected_total} expected"
        )
        common.report(f"search on {total:,} cases ({connection.vendor})", results)


if __name__ == "__main__":
    main()
