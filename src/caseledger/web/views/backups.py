from __future__ import annotations

from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caseledger.backup.queries import backup_overview
from caseledger.web.viewing import AuthedRequest, web_view


@web_view
@require_GET
def backups(request: AuthedRequest) -> HttpResponseBase:
    return render(request, "web/backups.html", backup_overview(actor=request.user))
