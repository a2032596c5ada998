from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "caseledger.search"
    label = "search"

    def ready(self) -> None:
        from caseledger.core import erasure
        from caseledger.search import indexer

        erasure.register("search", indexer.on_erasure)
