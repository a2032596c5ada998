"""Acknowledging a complaint to the customer (ISO 10002 §8.3, GB/T 19012): the step's
message, in Chinese or English, goes out through the one reply door (`reply_send`: an
outbound note the status page shows, e-mailed when there is an address, its delivery
recorded on the case), then the case moves to `acknowledged` through its guards.

The message is data: the `acknowledged` step rule's `message_en` / `message_zh` (the
department's industry template, else the default), with {reference} and {subject} filled
in; without one the built-in text below, translated. How soon it must go out is the same
rule's `within_minutes`: workflow's acknowledgement clock, breached when later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases import taxonomy
from caseledger.cases.models import Case, Status
from caseledger.cases.services import case_move, check_move
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.validate import Collector
from caseledger.intake.reply.services import Reply, reply_send

LANGUAGES = ("zh-hans", "en")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Acknowledged:
    case: Case
    reply: Reply
    language: str


def default_language(case: Case) -> str:
    """Chinese when the complaint was written in Chinese, English otherwise."""
    return "zh-hans" if _CJK.search(f"{case.subject} {case.description}") else "en"


def ack_message(case: Case, language: str) -> str:
    """The acknowledgement's text for this case in `language`."""
    needs = taxonomy.step_needs(case.department_id, Status.ACKNOWLEDGED)
    template = needs.message_zh if language == "zh-hans" else needs.message_en
    if not template.strip():
        with translation.override(language):
            template = _(
                "Dear customer,\n\nWe have received your complaint “{subject}” and recorded it "
                "as {reference}. We are looking into it and will answer you as soon as we can. "
                "Please quote {reference} whenever you write to us about it.\n\nThank you for "
                "telling us."
            )
    return template.replace("{reference}", case.reference).replace("{subject}", case.subject)


def case_acknowledge(
    *, actor: User, case: Case, language: str = "", email: bool = True, to: str = ""
) -> Acknowledged:
    """Send the acknowledgement (e-mail and status page) and move the case to
    acknowledged. Refused, before anything is sent, when the case is past that step or the
    move's guards would refuse it."""
    require(actor, Perm.CASE_MODIFY, case.department_id)
    language = (language or default_language(case)).lower()
    if language not in LANGUAGES:
        raise ValidationFailed(
            _("%(value)r is not one of %(allowed)s")
            % {"value": language, "allowed": ", ".join(LANGUAGES)},
            field="language",
            code="invalid_choice",
        )
    case = Case.objects.get(pk=case.pk)
    if case.status != Status.RECEIVED:
        raise Conflict(
            _("case %(ref)s is %(status)s: it was acknowledged already")
            % {"ref": case.reference, "status": case.get_status_display()},
            field="status",
            code="acknowledged",
        )
    reason = _("acknowledged to the customer")
    c = Collector()
    probe = Case.objects.get(pk=case.pk)
    probe.status = Status.ACKNOWLEDGED
    check_move(probe, {"status": case.status, "category": case.category}, c, reason=reason,
               approved=False)  # fmt: skip
    c.raise_if_any()
    reply = reply_send(actor=actor, case=case, body=ack_message(case, language), email=email, to=to)
    moved = case_move(actor=actor, case=case, status=Status.ACKNOWLEDGED, reason=reason)
    return Acknowledged(moved.case, reply, language)
