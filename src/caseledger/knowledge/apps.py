from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "caseledger.knowledge"
    label = "knowledge"

    def ready(self) -> None:
        from caseledger.knowledge import index
        from caseledger.search.indexer import Follower, register_follower

        # The search catch-up re-reads the articles the journal names (ADR 0008, 0014).
        register_follower(Follower("article", index.reindex, index.rebuild))
