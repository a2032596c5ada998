"""The knowledge base in the web: the list (search, status), one article with its history,
the draft form (from a resolved case) and the edit form, publish, send back with a
comment, retire and restore. Views parse,
call a service, render; the services check who may."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.cases.queries import case_get
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.knowledge import queries, services
from caseledger.knowledge.models import PARTS, TEXT_FIELDS, ArticleStatus
from caseledger.web.viewing import AuthedRequest, page_of, web_view

PAGE = 50


def _text(post) -> dict[str, str]:
    return {name: post.get(name, "") for name in TEXT_FIELDS}


def _form_context(text: dict[str, str]) -> dict:
    languages = [
        ("zh", _("Text in Chinese"), [(p, f"{p}_zh", text.get(f"{p}_zh", "")) for p in PARTS]),
        ("en", _("Text in English"), [(p, f"{p}_en", text.get(f"{p}_en", "")) for p in PARTS]),
    ]
    return {"article_languages": languages}


@web_view
def article_list(request: AuthedRequest) -> HttpResponseBase:
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    articles = queries.article_list(actor=request.user, status=status or None)
    error, hits = "", None
    if q:
        try:
            hits = queries.article_search(actor=request.user, q=q, limit=PAGE)
        except ValidationFailed as exc:
            error = exc.shown()
    page = page_of(request, articles, size=PAGE)
    shown = queries.published_versions(page.rows)
    return render(
        request,
        "web/knowledge/list.html",
        {
            "rows": replace(page, rows=[(a, shown.get(a.pk)) for a in page.rows]),
            "hits": hits,
            "q": q,
            "status": status,
            "statuses": ArticleStatus.choices,
            "error": error,
        },
        status=422 if error else 200,
    )


@web_view
def article_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    article = queries.article_get(actor=request.user, article_id=pk)
    version = queries.shown_version(request.user, article)
    may_edit = queries.may_edit(request.user, article)
    may_publish = queries.may_publish(request.user, article)
    return render(
        request,
        "web/knowledge/detail.html",
        {
            "article": article,
            "version": version,
            "parts": [(p, getattr(version, f"{p}_zh"), getattr(version, f"{p}_en")) for p in PARTS],
            "history": queries.versions(article) if (may_edit or may_publish) else [],
            "may_edit": may_edit,
            "may_publish": may_publish and version.edited_by_id != request.user.pk,
            "may_send_back": may_publish and version.edited_by_id != request.user.pk,
            "may_retire": article.status != ArticleStatus.RETIRED
            and can(request.user, Perm.CASE_APPROVE, article.department_id),
            "may_restore": article.status == ArticleStatus.RETIRED
            and can(request.user, Perm.CASE_APPROVE, article.department_id),
        },
    )


@web_view
def article_new(request: AuthedRequest, case_pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=case_pk)
    text, error = queries.draft_from_case(case), ""
    if request.method == "POST":
        text = _text(request.POST)
        try:
            article = services.article_draft(actor=request.user, case=case, data=text)
        except (ValidationFailed, PermissionDenied) as exc:
            error = exc.shown()
        else:
            messages.success(
                request,
                _("Article %(pk)s drafted; a supervisor reviews and publishes it.")
                % {"pk": article.pk},
            )
            return redirect("web:article_detail", pk=article.pk)
    context = {"case": case, "article": None, "error": error, **_form_context(text)}
    return render(request, "web/knowledge/edit.html", context, status=422 if error else 200)


@web_view
def article_edit(request: AuthedRequest, pk: int) -> HttpResponseBase:
    article = queries.article_get(actor=request.user, article_id=pk)
    version = services.newest_version(article)
    text, error = version.text(), ""
    if request.method == "POST":
        text = _text(request.POST)
        expected = request.POST.get("version", "")
        try:
            services.article_edit(
                actor=request.user,
                article=article,
                data=text,
                reason=request.POST.get("reason", ""),
                expected_version=int(expected) if is_id(expected) else None,
            )
        except (ValidationFailed, Conflict, PermissionDenied) as exc:
            error = exc.shown()
        else:
            messages.success(request, _("Article %(pk)s saved.") % {"pk": article.pk})
            return redirect("web:article_detail", pk=article.pk)
    context = {
        "case": article.source_case,
        "article": article,
        "error": error,
        **_form_context(text),
    }
    return render(request, "web/knowledge/edit.html", context, status=422 if error else 200)


def _step(
    request: AuthedRequest, pk: int, service: Callable[..., object], done: str, **fields: str
) -> HttpResponseBase:
    """One button of an article's life (publish, retire, send back, restore):
    `service(actor=, article=, **fields)` refuses with a message shown on the article's page,
    or `done` (with the article's number) says it happened; either way back to the article."""
    article = queries.article_get(actor=request.user, article_id=pk)
    try:
        service(actor=request.user, article=article, **fields)
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        messages.error(request, exc.shown())
    else:
        messages.success(request, done % {"pk": article.pk})
    return redirect("web:article_detail", pk=article.pk)


@require_POST
@web_view
def article_publish(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _step(request, pk, services.article_publish, _("Article %(pk)s published."))


@require_POST
@web_view
def article_retire(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        services.article_retire,
        _("Article %(pk)s retired."),
        reason=request.POST.get("reason", ""),
    )


@require_POST
@web_view
def article_return(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        services.article_return,
        _("Article %(pk)s sent back to its writer."),
        comment=request.POST.get("comment", ""),
    )


@require_POST
@web_view
def article_restore(request: AuthedRequest, pk: int) -> HttpResponseBase:
    return _step(
        request,
        pk,
        services.article_restore,
        _("Article %(pk)s restored as a draft."),
        reason=request.POST.get("reason", ""),
    )
