from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "caseledger.search"
    label = "search"

    def ready(self) -> None:
        from caseledger.cases.queries import TEXT_FILTER
        from caseledger.core import erasure, hooks
        from caseledger.core.health import register_probe
        from caseledger.search import indexer
        from caseledger.search.health import search_probe
        from caseledger.search.queries import text_filter
        from caseledger.search.services import saved_searches_move
        from caseledger.workflow.services import OFFBOARDING_PARTS

        erasure.register("search", indexer.on_erasure)
        register_probe("search", search_probe, order=40)
        # cases.queries.case_list answers free text through the index (ADR 0010).
        hooks.register(TEXT_FILTER, text_filter)
        # workflow's offboarding hands a leaver's saved searches to the successor.
        hooks.register(OFFBOARDING_PARTS, saved_searches_move)
