"""Case pages: the list, the form, the case itself with its timeline and attachments."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import may
from caseledger.cases import services
from caseledger.cases.queries import (
    SORTS,
    case_attachments,
    case_get,
    case_list,
    removed_attachments,
)
from caseledger.cases.services import UPDATE_FIELDS
from caseledger.cases.workflow import allowed_next
from caseledger.core.errors import ValidationFailed
from caseledger.intake.mail.queries import reply_messages
from caseledger.intake.reply.services import reply_send
from caseledger.knowledge.queries import suggested_for
from caseledger.search.similar import similar_cases
from caseledger.web.forms import (
    AttachmentForm,
    CaseEditForm,
    CaseFilterForm,
    CaseForm,
    NoteForm,
    ReplyForm,
    subcategory_choices,
)
from caseledger.web.viewing import (
    AuthedRequest,
    apply_errors,
    clean_filters,
    edit_page,
    page_of,
    web_view,
)
from caseledger.web.views.classify import case_card
from caseledger.web.views.customers import picker_customers
from caseledger.web.views.mail import reply_message
from caseledger.web.views.process_context import process_context
from caseledger.workflow.assign.queries import may_work
from caseledger.workflow.clocks.queries import (
    clocks_of,
    filter_clock_state,
    sort_by_due,
    with_next_due,
)
from caseledger.workflow.repeats.queries import repeat_chain
from caseledger.workflow.visibility.queries import sees_full

# Column → the sort it starts with; clicking the sorted column again flips it.
SORT_COLUMNS = {
    "reference": "reference",
    "received": "-received",
    "updated": "-updated",
}


def case_filters(request: AuthedRequest) -> tuple[CaseFilterForm, dict[str, Any], str]:
    form = CaseFilterForm(request.GET or None, actor=request.user)
    filters = clean_filters(form)
    sort = filters.pop("sort", "")
    sort = sort if sort in SORTS or sort in DUE_SORTS else "-received"
    return form, {k: getattr(v, "pk", v) for k, v in filters.items()}, sort


DUE_SORTS = ("due", "-due")


def _due_arrow(sort: str) -> str:
    return {"due": "▲", "-due": "▼"}.get(sort, "")


def _sort_links(current: str) -> dict[str, dict[str, str]]:
    links = {}
    for column, first in SORT_COLUMNS.items():
        flipped = first[1:] if first.startswith("-") else f"-{first}"
        active = current in (first, flipped)
        target = flipped if current == first and flipped in SORTS else first
        arrow = ("▼" if current.startswith("-") else "▲") if active else ""
        links[column] = {"sort": target, "arrow": arrow}
    return links


@web_view
@require_GET
def case_list_view(request: AuthedRequest) -> HttpResponseBase:
    form, filters, sort = case_filters(request)
    clock_state = filters.pop("clock", "")
    cases = with_next_due(case_list(actor=request.user, filters=filters, sort=sort))
    if clock_state:
        cases = filter_clock_state(cases, clock_state)
    if sort in DUE_SORTS:  # soonest (or latest) next due time: cases with a running clock
        cases = sort_by_due(cases, descending=sort == "-due")
    page = page_of(request, cases)
    links = _sort_links(sort)
    links["due"] = {"sort": "-due" if sort == "due" else "due", "arrow": _due_arrow(sort)}
    context = {"form": form, "page": page, "sort": sort, "sort_links": links}
    if request.htmx and not request.htmx.boosted:
        return render(request, "web/cases/_results.html", context)
    return render(request, "web/cases/list.html", context)


def _create_data(form: CaseForm) -> dict[str, Any]:
    data = {k: getattr(v, "pk", v) for k, v in form.cleaned_data.items()}
    return {k: v for k, v in data.items() if v not in (None, "")}


@web_view
def case_create(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.CASE_MODIFY)  # an empty form is no use to a reader
    initial = {"customer": request.GET.get("customer")} if request.GET.get("customer") else {}
    form = CaseForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, data=_create_data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Case %(ref)s created.") % {"ref": case.reference})
            return redirect("web:case_detail", pk=case.pk)
    selected = str(form["customer"].value() or "")
    context = {
        "form": form,
        "creating": True,
        "customers": picker_customers(request.user, "", selected),
        "selected_customer": selected,
    }
    return render(request, "web/cases/form.html", context, status=422 if form.errors else 200)


def _notes_with_mail(case) -> list:
    """The timeline's notes, each reply carrying its e-mail (sent, or failed with why)."""
    mails = reply_messages(case.pk)
    notes = list(case.notes.select_related("author"))
    for note in notes:
        note.mail = mails.get(note.pk)
    return notes


def detail_context(request: AuthedRequest, case, **extra: Any) -> dict[str, Any]:
    can_modify = may(request.user, Perm.CASE_MODIFY, case.department_id)
    context = {
        "case": case,
        "can_modify": can_modify,
        "next_statuses": allowed_next(case.status) if can_modify else [],
        "notes": _notes_with_mail(case),
        "attachments": case_attachments(case),
        "removed_attachments": removed_attachments(case),
        "note_form": NoteForm(),
        "reply_form": ReplyForm(),
        "attachment_form": AttachmentForm(),
        "similar": similar_cases(actor=request.user, case=case),
        "articles": suggested_for(actor=request.user, case=case),
        "may_write_article": can_modify
        and case.status in ("responded", "closed")
        and case.restricted_at is None,
        "suggestions": case_card(request.user, case),
        "clocks": clocks_of(case.pk),
        "assignees": may_work(case.department_id) if can_modify else [],
        "repeats": repeat_chain(actor=request.user, case_id=case.pk),
        "phone_callable": sees_full(request.user, case, "phone"),
        "can_approve": may(request.user, Perm.CASE_APPROVE, case.department_id),
        **process_context(case),
    }
    context.update(extra)
    return context


@web_view
@require_GET
def case_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    return render(request, "web/cases/detail.html", detail_context(request, case))


def _edit_initial(case) -> dict[str, Any]:
    initial = {
        name: getattr(case, name)
        for name in UPDATE_FIELDS
        if name not in ("department", "assignee", "customer")
    }
    initial.update(department=case.department_id, assignee=case.assignee_id, version=case.version)
    return initial


@web_view
def case_edit(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    require(request.user, Perm.CASE_MODIFY, case.department_id)  # case_update checks again
    form = CaseEditForm(request.POST or None, actor=request.user, initial=_edit_initial(case))
    update = functools.partial(services.case_update, actor=request.user, case=case)
    stale = _(
        "This case was changed by someone else while you were editing it. "
        "Open it again to see the current version, then make your change."
    )
    saved = _("Case %(ref)s saved.") % {"ref": case.reference}
    return edit_page(
        request,
        form,
        (UPDATE_FIELDS, update, stale),
        (saved, "web:case_detail", case.pk),
        ("web/cases/form.html", {"case": case}),
    )


@web_view
@require_POST
def case_note_add(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            if not request.htmx:
                return redirect(f"{case_detail_url(case)}#timeline")
            form = NoteForm()
    if request.htmx:
        return render(
            request, "web/cases/_timeline.html", detail_context(request, case, note_form=form)
        )
    return render(
        request, "web/cases/detail.html", detail_context(request, case, note_form=form), status=422
    )


@web_view
@require_POST
def case_reply(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The one reply to the customer (intake.reply.services.reply_send): shown on their
    status page and, unless unticked, e-mailed; a failed e-mail keeps the reply."""
    case = case_get(actor=request.user, case_id=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reply = reply_send(
                actor=request.user, case=case, body=data["body"], email=data["send_email"],
                to=data["to"] or "", channel=data["channel"] or "",
            )  # fmt: skip
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            reply_message(request, reply)
            return redirect(f"{case_detail_url(case)}#timeline")
    context = detail_context(request, case, reply_form=form)
    return render(request, "web/cases/detail.html", context, status=422)


@web_view
@require_POST
def case_attachment_add(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.case_attachment_add(
                actor=request.user,
                case=case,
                stream=upload,
                filename=upload.name,
                content_type=upload.content_type or "",
            )
        except ValidationFailed as exc:
            apply_errors(form, exc, aliases={"filename": "file"})
        else:
            if not request.htmx:
                return redirect(f"{case_detail_url(case)}#attachments")
            form = AttachmentForm()
    context = detail_context(request, case, attachment_form=form)
    if request.htmx:
        return render(request, "web/cases/_attachments.html", context)
    return render(request, "web/cases/detail.html", context, status=422)


def case_detail_url(case) -> str:
    from django.urls import reverse

    return reverse("web:case_detail", args=[case.pk])


@web_view
@require_GET
def subcategory_options(request: AuthedRequest) -> HttpResponseBase:
    """The subcategory <option>s of the chosen category, for the case form."""
    category = request.GET.get("category") or ""
    choices = subcategory_choices(category) if category else [("", "—")]
    return render(
        request,
        "web/partials/_options.html",
        {"choices": choices, "selected": request.GET.get("subcategory", "")},
    )
