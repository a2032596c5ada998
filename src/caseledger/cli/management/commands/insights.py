"""`caseledger insights rebuild | follow | status`: the dashboard's roll-ups rebuilt from the
whole journal, brought up to its head, and their lag."""

from __future__ import annotations

from typing import Any

from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Rebuild the insights roll-ups, catch them up with the journal, show their lag."
    json_output = True
    verbs = {
        "rebuild": "empty the roll-ups and count every case again from the whole journal "
        "(after changing CASELEDGER_INSIGHTS_REPEAT_DAYS, or to check them)",
        "follow": "count what the journal recorded since the roll-ups last read it",
        "status": "the roll-ups' lag behind the journal and their size",
    }

    def add_rebuild_arguments(self, parser):
        pass

    def add_follow_arguments(self, parser):
        pass

    def add_status_arguments(self, parser):
        pass

    def handle_rebuild(self, **options: Any) -> None:
        from caseledger.cases.models import Case
        from caseledger.insights import rollup

        bar = self.progress(Case.objects.count(), "cases")
        result = rollup.rebuild(progress=bar.update)
        bar.close()
        self.emit(
            result,
            f"Counted {result['cases']} case(s) into {result['rows']} row(s); then caught up "
            f"{result['caught_up']['entries']} journal entr(ies) written meanwhile.",
        )

    def handle_follow(self, **options: Any) -> None:
        from caseledger.insights import rollup

        result = rollup.catch_up()
        self.emit(
            result,
            f"Read {result['entries']} journal entr(ies); recounted {result['cases']} case(s).",
        )

    def handle_status(self, **options: Any) -> None:
        from caseledger.insights import rollup
        from caseledger.insights.models import CaseFact, Rollup

        result = {**rollup.lag(), "facts": CaseFact.objects.count(), "rows": Rollup.objects.count()}
        self.emit(
            result,
            f"Roll-ups at journal entry {result['rolled_seq']} of {result['journal_seq']} "
            f"({result['entries']} behind); {result['facts']} case(s), {result['rows']} row(s).",
        )
