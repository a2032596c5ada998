"""The confirmation a customer gets by e-mail: the reference and the lookup code, in the
language they filed in. Sent after the filing commits (Django's e-mail backend, from
settings); a failure to send is logged without the code and never undoes the filing: the
page showed the code already."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from caseledger.core.logging import get_logger

log = get_logger("caseledger.intake.form")


def send_confirmation(
    *, to: str, reference: str, code: str, language: str, status_url: str
) -> None:
    def send() -> None:
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = _("[%(reference)s] We have received your complaint") % {
                "reference": reference
            }
            body = render_to_string(
                "intake/form/confirmation.txt",
                {"reference": reference, "code": code, "status_url": status_url},
            )
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
        except Exception as exc:  # any transport failure: logged, not raised
            log.warning("confirmation not sent", reference=reference, error=type(exc).__name__)

    transaction.on_commit(send)


def status_path() -> str:
    return reverse("intake:status")
