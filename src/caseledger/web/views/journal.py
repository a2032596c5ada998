"""The journal browser, for those who answer for the records."""

from __future__ import annotations

import datetime as dt
import json

from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.journal.queries import entry_get, entry_list
from caseledger.journal.verify import verify_chain
from caseledger.web.display import SECRET_KEYS, shown_entry
from caseledger.web.forms import JournalFilterForm
from caseledger.web.viewing import AuthedRequest, clean_filters, page_of, web_view


def _without_secrets(value):
    if isinstance(value, dict):
        return {
            k: "(hidden)" if k in SECRET_KEYS else _without_secrets(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_secrets(v) for v in value]
    return value


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@web_view
@require_GET
def journal_list(request: AuthedRequest) -> HttpResponseBase:
    form = JournalFilterForm(request.GET or None)
    filters = clean_filters(form)
    if "since" in filters:
        filters["since"] = _day_start(filters["since"])
    if "until" in filters:  # the whole "to" day counts
        filters["until"] = _day_start(filters["until"]) + dt.timedelta(days=1, microseconds=-1)
    page = page_of(request, entry_list(actor=request.user, filters=filters))
    context = {"form": form, "page": page}
    if request.htmx and not request.htmx.boosted:
        return render(request, "web/journal/_results.html", context)
    return render(request, "web/journal/list.html", context)


@web_view
@require_GET
def journal_entry(request: AuthedRequest, seq: int) -> HttpResponseBase:
    item = entry_get(actor=request.user, seq=seq)
    entry = entry_list(actor=request.user).filter(seq=seq).first()
    if entry is None:  # entry_get just found it; only a race could get here
        raise NotFound(_("journal entry #%(seq)s does not exist") % {"seq": seq}, field="seq")
    payload = (
        None
        if item.redacted
        else json.dumps(
            _without_secrets({"changes": item.changes, "state": item.state}),
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
    )
    shown = shown_entry(item)
    context = {
        "item": item,
        "entry": entry,
        "payload": payload,
        "shown": shown,
        "shown_entries": [shown],
        "can_journal": True,
    }
    return render(request, "web/journal/detail.html", context)


@web_view
@require_POST
def journal_verify(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.JOURNAL_VIEW)
    report = verify_chain()
    return render(request, "web/journal/verify.html", {"report": report})
