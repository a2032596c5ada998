"""The knowledge base's and saved searches' services for tests/test_every_service_journals.py."""

from __future__ import annotations

from tests.knowledge.conftest import TEXT


def knowledge_calls(people, customer) -> dict:
    from caseledger.journal.services import write_transaction
    from caseledger.knowledge import services
    from caseledger.search import services as search
    from tests.factories import make_case
    from tests.knowledge.conftest import resolve

    made: dict = {}

    def article():
        if "article" not in made:
            case = resolve(people.agent, make_case(people.agent, customer))
            made["article"] = services.article_draft(actor=people.agent, case=case, data=TEXT)
        return made["article"]

    def draft():
        made.pop("article", None)
        return article()

    def saved():
        made["saved"] = search.saved_search_create(
            actor=people.agent, data={"name": f"s{len(made)}", "q": "退款"}
        )
        return made["saved"]

    def moved():
        saved()
        with write_transaction():  # offboarding's part: inside user_deactivate's transaction
            return search.saved_searches_move(
                actor=people.admin, user=people.agent, successor=people.supervisor, note="test"
            )

    k = "caseledger.knowledge.services."
    return {
        k + "article_draft": draft,
        k + "article_edit": lambda: services.article_edit(
            actor=people.agent, article=article(), data={**TEXT, "cause_zh": "新的原因"}
        ),
        k + "article_publish": lambda: services.article_publish(
            actor=people.supervisor, article=article()
        ),
        k + "article_retire": lambda: services.article_retire(
            actor=people.supervisor, article=article(), reason="outdated"
        ),
        k + "article_return": lambda: services.article_return(
            actor=people.supervisor, article=draft(), comment="请补充英文答复"
        ),
        k + "article_restore": lambda: services.article_restore(
            actor=people.supervisor,
            article=services.article_retire(
                actor=people.supervisor, article=draft(), reason="outdated"
            ),
            reason="still asked",
        ),
        "caseledger.search.services.saved_search_create": saved,
        "caseledger.search.services.saved_search_delete": lambda: search.saved_search_delete(
            actor=people.agent, saved_id=saved().pk
        ),
        "caseledger.search.services.saved_searches_move": moved,
    }
