"""The journal actions of the knowledge base: the `action` of its entries."""

from enum import StrEnum


class KnowledgeAction(StrEnum):
    ARTICLE_DRAFT = "article.draft"
    ARTICLE_EDIT = "article.edit"
    ARTICLE_PUBLISH = "article.publish"
    ARTICLE_RETIRE = "article.retire"
    ARTICLE_RETURN = "article.return"  # sent back to its writer with a comment
    ARTICLE_RESTORE = "article.restore"  # a retired article back to draft
    ARTICLE_UNLINK = "article.unlink"  # its source case was destroyed
