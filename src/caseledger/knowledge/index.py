"""Articles in the full-text index: the same tokens as cases (search/tokens.py), in their
own FTS5 table (SQLite) or tsvector chunks (PostgreSQL), kept by search's journal
catch-up (registered in apps.py). Only a published version is indexed; a draft or a
retired article has no document. Derived data, rebuilt from the rows at any time."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from caseledger.knowledge.models import TEXT_FIELDS, Article, ArticleStatus, ArticleVersion
from caseledger.search.backends import Backend, PostgresBackend, SqliteBackend
from caseledger.search.tokens import document_tokens

BATCH = 1_000


class ArticleSqlite(SqliteBackend):
    TABLE = "knowledge_fts"
    SCOPED = False  # articles are scoped by their source case's department, in SQL
    WORDS = False  # no word list of its own: a prefix is searched as typed


class ArticlePostgres(PostgresBackend):
    TABLE = "knowledge_chunk"
    KEY = "article_id"
    INDEX = "knowledge_chunk_tsv"
    SCOPED = False


def backend() -> Backend:
    return ArticlePostgres() if connection.vendor == "postgresql" else ArticleSqlite()


def documents(article_ids: Iterable[int]) -> dict[int, list[str]]:
    """The tokens of each article's published text ([] when none is published)."""
    ids = sorted({int(pk) for pk in article_ids})
    published = dict(
        Article.objects.filter(pk__in=ids, status=ArticleStatus.PUBLISHED).values_list(
            "pk", "published_version"
        )
    )
    docs: dict[int, list[str]] = {pk: [] for pk in ids}
    versions = ArticleVersion.objects.filter(article_id__in=list(published)).values(
        "article_id", "number", *TEXT_FIELDS
    )
    for row in versions:
        if published.get(row["article_id"]) == row["number"]:
            docs[row["article_id"]] = document_tokens(row[name] for name in TEXT_FIELDS)
    return docs


def reindex(article_ids: set[int]) -> int:
    docs = documents(article_ids)
    backend().write(docs)
    return len(docs)


def rebuild() -> int:
    """Every article again, from the rows (called inside the search rebuild's transaction)."""
    index = backend()
    index.clear()
    last = total = 0
    while True:
        ids = list(
            Article.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return total
        index.write(documents(ids))
        last, total = ids[-1], total + len(ids)
