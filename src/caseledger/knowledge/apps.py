from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "caseledger.knowledge"
    label = "knowledge"

    def ready(self) -> None:
        from caseledger.core import erasure
        from caseledger.knowledge import index
        from caseledger.knowledge.erasure import on_erasure
        from caseledger.search.indexer import Follower, register_follower

        # The search catch-up re-reads the articles the journal names (ADR 0008, 0015).
        register_follower(Follower("article", index.reindex, index.rebuild))
        # A destroyed source case: the article stays, its link goes, journaled.
        erasure.register("knowledge", on_erasure)
