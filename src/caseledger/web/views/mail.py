"""The e-mail channel on the web: what became of a reply's e-mail (and trying it again),
and the quarantine of messages that could not be recorded."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseledger.cases.queries import case_get
from caseledger.core.errors import CaseledgerError, NotFound
from caseledger.intake.mail.quarantine import quarantine_retry
from caseledger.intake.mail.queries import quarantine_list
from caseledger.intake.models import MailMessage
from caseledger.intake.reply.services import Email, Reply, reply_retry
from caseledger.vault.masking import mask_email
from caseledger.web.viewing import AuthedRequest, page_of, web_view


def reply_message(request: AuthedRequest, reply: Reply) -> None:
    """Tell the agent what became of a reply: always recorded; e-mailed, or why not."""
    if reply.email == Email.SENT and reply.message is not None:
        text = _("Reply recorded; the customer sees it and it was e-mailed to %(to)s.")
        messages.success(request, text % {"to": mask_email(reply.message.address)})
    elif reply.email == Email.FAILED:
        text = _(
            "Reply recorded; the customer sees it on the status page, but the e-mail was not "
            "sent: %(why)s. Use “Try again” on the reply once the cause is fixed."
        )
        messages.error(request, text % {"why": reply.reason})
    elif reply.email == Email.NO_ADDRESS:
        messages.warning(
            request,
            _("Reply recorded; the customer sees it on the status page. It was not e-mailed: "
              "the customer has no e-mail address."),
        )  # fmt: skip
    else:
        messages.success(request, _("Reply recorded; the customer sees it."))


@web_view
@require_POST
def case_reply_retry(request: AuthedRequest, pk: int, message: int) -> HttpResponseBase:
    """Send a reply's failed e-mail again (intake.reply.services.reply_retry)."""
    case = case_get(actor=request.user, case_id=pk)
    row = MailMessage.objects.filter(pk=message, case=case, direction="out").first()
    if row is None:
        raise NotFound(_("that reply has no e-mail on this case"))
    try:
        reply = reply_retry(actor=request.user, message=row)
    except CaseledgerError as exc:
        messages.error(request, exc.message)
    else:
        reply_message(request, reply)
    return redirect(reverse("web:case_detail", args=[case.pk]) + "#timeline")


@web_view
@require_GET
def mail_quarantine(request: AuthedRequest) -> HttpResponseBase:
    page = page_of(
        request, quarantine_list(actor=request.user, mailbox=request.GET.get("mailbox", ""))
    )
    for row in page.rows:  # masked like every contact point on every page
        row.sender_masked = mask_email(row.sender) if row.sender else ""
    return render(request, "web/mail/quarantine.html", {"page": page})


@web_view
@require_POST
def mail_quarantine_retry(request: AuthedRequest, pk: int) -> HttpResponseBase:
    row = quarantine_list(actor=request.user).filter(pk=pk).first()
    if row is None:
        raise NotFound(_("that message is not in the quarantine"))
    try:
        result = quarantine_retry(actor=request.user, message=row)
    except CaseledgerError as exc:
        messages.error(request, exc.message)
    else:
        if result.outcome == "quarantined":
            messages.error(request, _("Still not recorded: %(why)s") % {"why": result.reason})
        else:
            row.refresh_from_db()
            messages.success(request, _("Recorded: %(how)s") % {"how": row.resolution})
    return redirect("web:mail_quarantine")
