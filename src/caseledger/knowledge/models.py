"""Knowledge articles: what a resolved case taught, written by a person (problem, cause,
answer; zh-Hans and/or English), reviewed and published by a second person, kept as
versions. Readers see the published version; editors see the newest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("zh", "en")
PARTS = ("title", "problem", "cause", "answer")
TEXT_FIELDS = tuple(f"{part}_{lang}" for lang in LANGUAGES for part in PARTS)
MAX_LENGTH = {"title": 200, "problem": 5_000, "cause": 5_000, "answer": 10_000}


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Article(models.Model):
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="articles"
    )
    category = models.CharField(max_length=64, blank=True, db_index=True)
    # The case it was written from; a destroyed case leaves the article (a person's text).
    source_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # The source case's id as a plain number: the disposition that destroys the case
    # clears the link in the database first; the erasure handler finds the article by this
    # and journals the unlink (erasure.py).
    source_case_key = models.BigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)  # the newest version's number
    published_version = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # A reviewer sent the newest version back to its writer with a comment; shown on the
    # article page until a new version is written (returned_version != version).
    returned_version = models.PositiveIntegerField(null=True, blank=True)
    returned_comment = models.CharField(max_length=1000, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self) -> str:
        return f"article {self.pk}"

    @property
    def pending_review(self) -> bool:
        """The newest version waits for a second person to publish it."""
        return self.status != ArticleStatus.RETIRED and self.version != self.published_version

    @property
    def sent_back(self) -> bool:
        """A reviewer sent the newest version back and nobody has edited it since."""
        return self.pending_review and self.returned_version == self.version


class ArticleVersion(models.Model):
    """One edit of an article's text, never changed afterwards."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title_zh = models.CharField(max_length=200, blank=True)
    problem_zh = models.TextField(blank=True)
    cause_zh = models.TextField(blank=True)
    answer_zh = models.TextField(blank=True)
    title_en = models.CharField(max_length=200, blank=True)
    problem_en = models.TextField(blank=True)
    cause_en = models.TextField(blank=True)
    answer_en = models.TextField(blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_once")
        ]
        ordering = ["article", "-number"]

    def __str__(self) -> str:
        return f"article {self.article_id} v{self.number}"

    @property
    def title(self) -> str:
        return self.title_zh or self.title_en

    def text(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}
