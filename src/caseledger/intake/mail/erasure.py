"""Erasing the e-mail channel's copies of personal data with the case they belong to.

A message row names its case's sender and subject. When a disposition destroys or
anonymizes a case, those go too (core.erasure calls this in the disposing transaction);
the row stays, emptied, so its Message-ID still recognises the message if an old mbox is
imported again — a destroyed case must not come back. The stored .eml is an attachment of
the case and goes with the case's files; `raw_sha256` is cleared so nothing names it.
"""

from __future__ import annotations

from caseledger.core.erasure import Erasure


def on_erasure(request: Erasure) -> None:
    from caseledger.intake.models import MailMessage

    if not request.case_ids:
        return
    MailMessage.objects.filter(case_key__in=request.case_ids).update(
        address="", subject="", raw_sha256="", reason=""
    )
