"""`caseledger search reindex | follow | status | query | similar`: the full-text index rebuilt from
scratch, brought up to the journal's head, its lag, and a search from the shell."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option
from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Rebuild the search index, catch it up with the journal, show its lag, search."
    json_output = True
    verbs = {
        "reindex": "drop the index and index every case again from its rows (with progress); "
        "searches find nothing until a case's batch is done",
        "follow": "index what the journal recorded since the index last read it",
        "status": "the index's lag behind the journal, its size and document count",
        "query": "search as a user: newest first (or --ranked), the first page",
        "similar": "build the model of resolved cases behind 'similar resolved cases' "
        "(the worker does it each hour)",
    }

    def add_similar_arguments(self, parser):
        pass

    def handle_similar(self, **options: Any) -> None:
        from caseledger.search import similar

        result = similar.build()
        self.emit(
            result, _("Built the similar-cases model from %(cases)s resolved case(s).") % result
        )

    def add_reindex_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000, help="cases per batch")

    def add_follow_arguments(self, parser):
        pass

    def add_status_arguments(self, parser):
        pass

    def add_query_arguments(self, parser):
        parser.add_argument("q", help="the search, in the web's query language")
        as_option(parser, required=True)
        parser.add_argument(
            "--ranked",
            action="store_true",
            help="best match first (among the newest CASELEDGER_SEARCH_RANK_WINDOW matches)",
        )
        parser.add_argument("--limit", type=int, default=20)

    def handle_reindex(self, **options: Any) -> None:
        from caseledger.cases.models import Case
        from caseledger.search import indexer
        from caseledger.search.backends import backend

        bar = self.progress(Case.objects.count(), "indexing")
        result = indexer.rebuild(progress=bar.update, batch_size=options["batch_size"])
        bar.close()
        result["size_bytes"] = backend().size_bytes()
        size = f", {result['size_bytes'] / 1e6:.1f} MB" if result["size_bytes"] else ""
        self.emit(
            result,
            _(
                "Indexed %(cases)s case(s)%(size)s; then caught up %(entries)s journal entr(ies) "
                "written meanwhile."
            )
            % {"cases": result["cases"], "size": size, "entries": result["caught_up"]["entries"]},
        )

    def handle_follow(self, **options: Any) -> None:
        from caseledger.search import indexer

        result = indexer.catch_up()
        self.emit(
            result,
            _("Read %(entries)s journal entr(ies); re-indexed %(cases)s case(s).") % result,
        )

    def handle_status(self, **options: Any) -> None:
        from caseledger.search import indexer
        from caseledger.search.backends import backend

        index = backend()
        result = {**indexer.lag(), "documents": index.count(), "size_bytes": index.size_bytes()}
        self.emit(
            result,
            _(
                "Indexed up to journal #%(indexed_seq)s of #%(journal_seq)s (%(entries)s behind, "
                "%(seconds)s s); %(documents)s case(s) in the index on %(vendor)s."
            )
            % {**result, "seconds": result["seconds"] or 0, "vendor": index.vendor},
        )

    def handle_query(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.search.queries import search

        results = search(
            actor=actor_named(options["as_user"]),
            q=options["q"],
            order="ranked" if options["ranked"] else "newest",
            limit=options["limit"],
        )
        rows = [
            {"reference": h.case.reference, "subject": h.case.subject, "score": h.score}
            for h in results.hits
        ]
        self.emit(
            {"hits": rows, "next_cursor": results.next_cursor},
            "\n".join(f"{r['reference']}  {r['subject']}" for r in rows) or _("No case found."),
        )
