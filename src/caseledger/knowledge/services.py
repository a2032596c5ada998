"""Writing the knowledge base: an agent drafts an article from a resolved case and edits it
(each edit a new version), a second person who may approve cases publishes it, and it can
be retired. A reviewer may instead send the newest version back to its writer with a
comment, and a retired article may be restored to a draft (to be reviewed again). Every step is journaled as the article (its text included), in one transaction.

The department is the source case's: who may read, edit and publish follows the case's
department scope. A restricted case never becomes an article; the text is what a person
wrote (the form offers the case's words with personal numbers masked, see queries.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, Status
from caseledger.cases.queries import case_get
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction
from caseledger.knowledge.actions import KnowledgeAction
from caseledger.knowledge.models import (
    LANGUAGES,
    MAX_LENGTH,
    TEXT_FIELDS,
    Article,
    ArticleStatus,
    ArticleVersion,
)

RESOLVED = (Status.RESPONDED, Status.CLOSED)


def article_state(article: Article, version: ArticleVersion) -> dict[str, Any]:
    """What the journal keeps of an article: its row and the newest version's text."""
    return {**model_state(article), **version.text(), "version_reason": version.reason}


def _clean_text(data: Mapping[str, Any]) -> dict[str, str]:
    c = Collector()
    c.unknown(data, TEXT_FIELDS)
    text = {
        name: c.text(data, name, max_length=MAX_LENGTH[name.rsplit("_", 1)[0]]) or ""
        for name in TEXT_FIELDS
    }
    complete = [lang for lang in LANGUAGES if text[f"title_{lang}"] and text[f"answer_{lang}"]]
    if not complete and not c.errors:
        c.add(
            "title_zh",
            _("Write at least a title and an answer, in Chinese or in English."),
            "required",
        )
    c.raise_if_any()
    return text


def _journal(actor: User, action: str, article: Article, version: ArticleVersion, before, reason):
    record_change(
        actor=actor,
        action=action,
        object_type="article",
        object_id=str(article.pk),
        before=before,
        after=article_state(article, version),
        reason=reason,
    )


def newest_version(article: Article) -> ArticleVersion:
    return ArticleVersion.objects.get(article=article, number=article.version)


def article_draft(*, actor: User, case: Case, data: Mapping[str, Any]) -> Article:
    """A new article from a resolved case the actor may work on; version 1, a draft."""
    case = case_get(actor=actor, case_id=case.pk)
    require(actor, Perm.CASE_MODIFY, case.department_id)
    if case.restricted_at is not None:
        raise PermissionDenied(
            _("A restricted case cannot become a knowledge article."), field="case"
        )
    if case.status not in RESOLVED:
        raise ValidationFailed(
            _("Only a resolved case (responded or closed) can become an article."),
            field="case",
            code="not_resolved",
        )
    text = _clean_text(data)
    now = clock.now()
    with write_transaction():
        article = Article.objects.create(
            department_id=case.department_id,
            category=case.category,
            source_case=case,
            source_case_key=case.pk,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        version = ArticleVersion.objects.create(
            article=article, number=1, edited_by=actor, edited_at=now, **text
        )
        _journal(actor, KnowledgeAction.ARTICLE_DRAFT, article, version, None, "")
    return article


def _locked(article: Article) -> tuple[Article, ArticleVersion, dict[str, Any]]:
    article = Article.objects.select_for_update().get(pk=article.pk)
    version = newest_version(article)
    return article, version, article_state(article, version)


def article_edit(
    *,
    actor: User,
    article: Article,
    data: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> Article:
    """A new version with this text (nothing when the text is unchanged); it waits for a
    second person to publish it, readers keep the published one meanwhile."""
    require(actor, Perm.CASE_MODIFY, article.department_id)
    c = Collector()
    why = c.text({"reason": reason}, "reason", max_length=500) or ""
    c.raise_if_any()
    text = _clean_text(data)
    now = clock.now()
    with write_transaction():
        article, current, before = _locked(article)
        if article.status == ArticleStatus.RETIRED:
            raise Conflict(_("This article is retired and cannot be edited."), field="article")
        if expected_version is not None and expected_version != article.version:
            raise Conflict(
                _("Someone changed this article meanwhile; reload it and edit again."),
                field="version",
            )
        if current.text() == text:
            return article
        article.version += 1
        article.updated_at = now
        article.save(update_fields=["version", "updated_at"])
        version = ArticleVersion.objects.create(
            article=article, number=article.version, edited_by=actor, edited_at=now,
            reason=why, **text,
        )  # fmt: skip
        _journal(actor, KnowledgeAction.ARTICLE_EDIT, article, version, before, why)
    return article


def article_publish(*, actor: User, article: Article) -> Article:
    """Publish the newest version: by someone who may approve cases in the article's
    department and who did not write that version (the second person)."""
    require(actor, Perm.CASE_APPROVE, article.department_id)
    now = clock.now()
    with write_transaction():
        article, version, before = _locked(article)
        if article.status == ArticleStatus.RETIRED:
            raise Conflict(_("This article is retired and cannot be published."), field="article")
        if article.published_version == article.version:
            raise Conflict(_("This version is already published."), field="article")
        if version.edited_by_id == actor.pk:
            raise PermissionDenied(
                _("You wrote this version: another person must review and publish it."),
                field="article",
            )
        article.status = ArticleStatus.PUBLISHED
        article.published_version = article.version
        article.published_by = actor
        article.published_at = article.updated_at = now
        article.save(
            update_fields=[
                "status", "published_version", "published_by", "published_at", "updated_at",
            ]
        )  # fmt: skip
        _journal(actor, KnowledgeAction.ARTICLE_PUBLISH, article, version, before, "")
    return article


def article_retire(*, actor: User, article: Article, reason: str) -> Article:
    """Take an article out of use: no longer searched or suggested; its versions stay."""
    require(actor, Perm.CASE_APPROVE, article.department_id)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    c.raise_if_any()
    now = clock.now()
    with write_transaction():
        article, version, before = _locked(article)
        if article.status == ArticleStatus.RETIRED:
            raise Conflict(_("This article is already retired."), field="article")
        article.status = ArticleStatus.RETIRED
        article.retired_at = article.updated_at = now
        article.save(update_fields=["status", "retired_at", "updated_at"])
        _journal(actor, KnowledgeAction.ARTICLE_RETIRE, article, version, before, why)
    return article


def article_return(*, actor: User, article: Article, comment: str) -> Article:
    """Send the version awaiting review back to its writer with a comment (someone who may
    publish it); the writer sees the comment on the article page until the next edit."""
    require(actor, Perm.CASE_APPROVE, article.department_id)
    c = Collector()
    text = c.text({"comment": comment}, "comment", required=True, max_length=1000) or ""
    c.raise_if_any()
    now = clock.now()
    with write_transaction():
        article, version, before = _locked(article)
        if not article.pending_review:
            raise Conflict(_("Only a version awaiting review can be sent back."), field="article")
        if version.edited_by_id == actor.pk:
            raise PermissionDenied(
                _("You wrote this version: another person must review it."), field="article"
            )
        article.returned_version = article.version
        article.returned_comment = text
        article.returned_by = actor
        article.returned_at = article.updated_at = now
        article.save(
            update_fields=[
                "returned_version", "returned_comment", "returned_by", "returned_at", "updated_at",
            ]
        )  # fmt: skip
        _journal(actor, KnowledgeAction.ARTICLE_RETURN, article, version, before, text)
    return article


def article_restore(*, actor: User, article: Article, reason: str) -> Article:
    """Bring a retired article back as a draft: its newest version awaits review again
    (a second person publishes it), until then it is neither searched nor suggested."""
    require(actor, Perm.CASE_APPROVE, article.department_id)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    c.raise_if_any()
    now = clock.now()
    with write_transaction():
        article, version, before = _locked(article)
        if article.status != ArticleStatus.RETIRED:
            raise Conflict(_("Only a retired article can be restored."), field="article")
        article.status = ArticleStatus.DRAFT
        article.published_version = None
        article.retired_at = None
        article.updated_at = now
        article.save(update_fields=["status", "published_version", "retired_at", "updated_at"])
        _journal(actor, KnowledgeAction.ARTICLE_RESTORE, article, version, before, why)
    return article
