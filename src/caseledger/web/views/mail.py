"""The e-mail channel on the web: replying to the customer by e-mail from the case page,
and the quarantine of messages that could not be recorded."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from caseledger.cases.queries import case_get
from caseledger.core.errors import CaseledgerError
from caseledger.intake.mail.outbound import mail_reply
from caseledger.intake.mail.quarantine import quarantine_retry
from caseledger.intake.mail.queries import quarantine_list
from caseledger.vault.masking import mask_email
from caseledger.web.viewing import AuthedRequest, page_of, web_view


class MailReplyForm(forms.Form):
    to = forms.EmailField(
        label=gettext_lazy("To"),
        required=False,
        help_text=gettext_lazy("Leave empty to answer the customer's last e-mail."),
    )
    body = forms.CharField(label=gettext_lazy("Reply"), widget=forms.Textarea, max_length=20000)


@web_view
@require_POST
def case_mail_reply(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    form = MailReplyForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("The reply was not sent: %(why)s") % {"why": problems})
        return redirect(f"{_case_url(case)}#mail-reply")
    try:
        sent = mail_reply(
            actor=request.user,
            case=case,
            body=form.cleaned_data["body"],
            to=form.cleaned_data["to"] or "",
        )
    except CaseledgerError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reply sent to %(to)s.") % {"to": mask_email(sent.address)})
    return redirect(f"{_case_url(case)}#timeline")


def _case_url(case) -> str:
    from django.urls import reverse

    return reverse("web:case_detail", args=[case.pk])


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
    from caseledger.core.errors import NotFound

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
