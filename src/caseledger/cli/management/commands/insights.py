"""`caseledger insights rebuild | follow | status`: the dashboard's roll-ups rebuilt from the
whole journal, brought up to its head, and their lag."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

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
            _(
                "Counted %(cases)s case(s) into %(rows)s row(s); then caught up %(entries)s "
                "journal entr(ies) written meanwhile."
            )
            % {
                "cases": result["cases"],
                "rows": result["rows"],
                "entries": result["caught_up"]["entries"],
            },
        )

    def handle_follow(self, **options: Any) -> None:
        from caseledger.insights import rollup

        result = rollup.catch_up()
        self.emit(
            result,
            _("Read %(entries)s journal entr(ies); recounted %(cases)s case(s).") % result,
        )

    def handle_status(self, **options: Any) -> None:
        from caseledger.insights import rollup
        from caseledger.insights.models import CaseFact, ClockTally, Rollup

        result = {
            **rollup.lag(),
            "facts": CaseFact.objects.count(),
            "rows": Rollup.objects.count(),
            "clock_rows": ClockTally.objects.count(),  # the SLA panel's tally (--json)
        }
        self.emit(
            result,
            _(
                "Roll-ups at journal entry %(rolled_seq)s of %(journal_seq)s (%(entries)s "
                "behind); %(facts)s case(s), %(rows)s row(s)."
            )
            % result,
        )
