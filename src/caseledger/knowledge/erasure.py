"""When a disposition destroys a case, the articles written from it lose their link (the
database has already set `source_case` to NULL): this handler, registered with
core.erasure and run inside the disposing transaction, clears `source_case_key` too and
journals the unlink, so every change to an article is in the journal. The article's text
stays: a person wrote it and another reviewed it (docs/adr/0016-knowledge-base.md)."""

from __future__ import annotations

from caseledger.core.erasure import Erasure
from caseledger.journal.services import record_change
from caseledger.knowledge.actions import KnowledgeAction
from caseledger.knowledge.models import Article


def on_erasure(request: Erasure) -> None:
    from caseledger.knowledge.services import article_state, newest_version

    if request.mode != "destroy" or not request.case_ids:
        return
    found = Article.objects.filter(source_case_key__in=request.case_ids).select_for_update()
    for article in found.order_by("pk"):
        version = newest_version(article)
        before = article_state(article, version)
        article.source_case = None
        article.source_case_key = None
        article.save(update_fields=["source_case", "source_case_key"])
        record_change(
            actor=None,
            action=KnowledgeAction.ARTICLE_UNLINK,
            object_type="article",
            object_id=str(article.pk),
            before=before,
            after=article_state(article, version),
            reason="source case destroyed by a disposition",
        )
