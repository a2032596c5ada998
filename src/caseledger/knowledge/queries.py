"""Reading the knowledge base, scoped like cases: a published article is read by whoever
may view cases of its department; drafts and retired articles only by those who may
modify or approve cases there. Searches use the same tokens and query language as cases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.knowledge import index
from caseledger.knowledge.models import Article, ArticleStatus, ArticleVersion
from caseledger.search import indexer
from caseledger.search.backends import RANKED
from caseledger.search.queries import parse_query, snippet
from caseledger.search.tokens import highlight_terms, is_personal_number, parse
from caseledger.vault.masking import mask_bank_card, mask_email, mask_mobile, mask_resident_id

STATUSES = tuple(ArticleStatus.values)
SUGGESTED = 5


def _within(allowed: set[int] | None) -> Q:
    return Q() if allowed is None else Q(department_id__in=allowed)


def article_list(
    *, actor: User, status: str | None = None, category: str | None = None
) -> QuerySet[Article]:
    require(actor, Perm.CASE_VIEW)
    editing = [department_ids(actor, p) for p in (Perm.CASE_MODIFY, Perm.CASE_APPROVE)]
    edit_q = Q(pk__in=[])
    for allowed in editing:
        if allowed is None or allowed:
            edit_q |= _within(allowed)
    visible = (
        Q(status=ArticleStatus.PUBLISHED) & _within(department_ids(actor, Perm.CASE_VIEW))
    ) | edit_q
    qs = Article.objects.filter(visible).select_related("department", "source_case")
    if status in STATUSES:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-updated_at", "-pk")


def may_edit(actor: User, article: Article) -> bool:
    from caseledger.accounts.access import can

    return article.status != ArticleStatus.RETIRED and can(
        actor, Perm.CASE_MODIFY, article.department_id
    )


def may_publish(actor: User, article: Article) -> bool:
    from caseledger.accounts.access import can

    return article.pending_review and can(actor, Perm.CASE_APPROVE, article.department_id)


def article_get(*, actor: User, article_id: Any) -> Article:
    key = str(article_id)
    found = article_list(actor=actor).filter(pk=key).first() if is_id(key) else None
    if found is None:
        raise NotFound(
            _("article %(id)s does not exist or is not visible to you") % {"id": article_id},
            field="article",
        )
    return found


def shown_version(actor: User, article: Article) -> ArticleVersion:
    """The published version for a reader; the newest for one who may edit or publish."""
    from caseledger.accounts.access import can

    editor = can(actor, Perm.CASE_MODIFY, article.department_id) or can(
        actor, Perm.CASE_APPROVE, article.department_id
    )
    number = (
        article.version
        if editor or article.published_version is None
        else article.published_version
    )
    return ArticleVersion.objects.select_related("edited_by").get(article=article, number=number)


def versions(article: Article) -> QuerySet[ArticleVersion]:
    return ArticleVersion.objects.filter(article=article).select_related("edited_by")


def published_versions(articles: list[Article]) -> dict[int, ArticleVersion]:
    wanted = Q(pk__in=[])
    for a in articles:
        if a.published_version:
            wanted |= Q(article_id=a.pk, number=a.published_version)
    return {v.article_id: v for v in ArticleVersion.objects.filter(wanted)}


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    version: ArticleVersion
    score: float
    snippet: list[tuple[str, bool]]


def article_search(
    *, actor: User, q: str, order: str = RANKED, limit: int = 10, offset: int = 0
) -> list[ArticleHit]:
    """Published articles the actor may read whose text holds every term of `q`."""
    query = parse_query(q)
    scope = article_list(actor=actor, status=ArticleStatus.PUBLISHED).order_by()
    inner = scope.filter(pk=RawSQL("{doc}", [])).values("pk")
    sql, params = inner.query.sql_with_params()
    indexer.follow_if_close()
    rows = index.backend().page(
        query, scope=(sql, list(params)), order=order, limit=limit, offset=offset
    )
    articles = Article.objects.select_related("department").in_bulk([pk for pk, _score in rows])
    found = [articles[pk] for pk, _score in rows if pk in articles]
    texts = published_versions(found)
    pieces = highlight_terms(q)
    hits = []
    for (pk, score), article in zip([r for r in rows if r[0] in articles], found, strict=True):
        version = texts.get(pk)
        if version is None:
            continue
        marked: list[tuple[str, bool]] = []
        for text in version.text().values():
            marked = snippet(text, pieces)
            if marked:
                break
        hits.append(ArticleHit(article, version, score, marked))
    return hits


def matching(qs: QuerySet[Article], q: str) -> QuerySet[Article]:
    """The articles among `qs` whose published text matches `q` (a list's search box)."""
    query = parse(q)
    if not query:
        return qs.none()
    indexer.follow_if_close()
    sql, params = index.backend().matching(query)
    return qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611 (fixed SQL, values as params)


def suggested_for(*, actor: User, case: Case, limit: int = SUGGESTED) -> list[ArticleHit]:
    """Published articles of the case's category the actor may read (newest first),
    leaving out the ones written from this very case."""
    if not case.category:
        return []
    qs = (
        article_list(actor=actor, status=ArticleStatus.PUBLISHED, category=case.category)
        .exclude(source_case=case)
        .order_by("-published_at", "-pk")[:limit]
    )
    found = list(qs)
    texts = published_versions(found)
    return [ArticleHit(a, texts[a.pk], 0.0, []) for a in found if a.pk in texts]


_NUMBER = re.compile(r"\d[\dXx]{10,18}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub(text: str) -> str:
    """A case's words as a draft may start from them: mobile, resident ID and bank card
    numbers and e-mail addresses masked (a person writes the article; nothing sensitive is
    copied into it automatically)."""

    def number(match: re.Match[str]) -> str:
        word = match.group(0)
        if not is_personal_number(word.lower()):
            return word
        if len(word) == 11:
            return mask_mobile(word)
        if len(word) == 18:
            return mask_resident_id(word)
        return mask_bank_card(word)

    return _EMAIL.sub(lambda m: mask_email(m.group(0)), _NUMBER.sub(number, text or ""))


def draft_from_case(case: Case) -> dict[str, str]:
    """The form's first text for an article from `case`, in the case's own language
    (Chinese fields): subject, description and root cause and resolution, scrubbed; a
    field marked sensitive is left out."""
    from caseledger.search.indexer import indexed

    def field(name: str) -> str:
        return scrub(getattr(case, name) or "") if indexed(f"case.{name}") else ""

    problem = "\n\n".join(p for p in (field("description"), field("customer_request")) if p)
    return {
        "title_zh": field("subject")[:200],
        "problem_zh": problem,
        "cause_zh": field("root_cause"),
        "answer_zh": field("resolution"),
    }
