"""Review-report subscriptions: a person asks for the review reports (复盘) of a department
or of the organisation they may view, by e-mail with the PDF attached, in their language.

Subscribing and unsubscribing are journaled; so is each mailing of a report, naming its
recipients by username (never an address). A mail that fails to go is logged and left out
of the recipients; it never undoes the report."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from caseledger.accounts.access import require, require_token_scope
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.core.state import model_state
from caseledger.insights import review
from caseledger.insights.actions import InsightsAction
from caseledger.insights.capa_queries import may_view_review, require_review_view
from caseledger.insights.models import ReviewSubscription
from caseledger.journal.services import record_change, write_transaction

log = logging.getLogger(__name__)


def _department(value: Any) -> Any:
    from caseledger.accounts.queries import department_by

    return department_by(value) if value not in (None, "") else None


def _journal(actor: User, sub: ReviewSubscription, action, before, after) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="review_subscription",
        object_id=sub.pk,
        before=before,
        after=after,
    )


def my_review_subscriptions(*, actor: User) -> QuerySet[ReviewSubscription]:
    """The actor's own subscriptions (a token needs `insights:read` to see them)."""
    require_token_scope(actor, Perm.INSIGHTS_VIEW)
    return ReviewSubscription.objects.filter(user=actor).select_related("department")


def review_subscription_get(*, actor: User, pk: Any) -> ReviewSubscription:
    """One of the actor's own subscriptions; anyone else's is not found."""
    text = str(pk).strip()
    subs = my_review_subscriptions(actor=actor)
    found = subs.filter(pk=int(text)).first() if is_id(text) and len(text) < 19 else None
    if found is None:
        raise NotFound(
            _("review subscription %(pk)s does not exist") % {"pk": text[:20]},
            field="subscription_id",
        )
    return found


def review_subscribe(*, actor: User, department: Any = None) -> ReviewSubscription:
    """Subscribe the actor to the review reports of a department (code or id) or, without
    one, of the organisation: only where they may read those reports. Twice is once."""
    require(actor, Perm.INSIGHTS_VIEW)  # before the department is looked up: no probing
    dept = _department(department)
    require_review_view(actor, dept.pk if dept else None)
    with write_transaction():
        found = my_review_subscriptions(actor=actor).filter(department=dept).first()
        if found is not None:
            return found
        sub = ReviewSubscription.objects.create(user=actor, department=dept, created_at=clock.now())
        _journal(actor, sub, InsightsAction.REVIEW_SUBSCRIBE, {}, model_state(sub))
    return sub


def _remove(actor: User, sub: ReviewSubscription) -> None:
    before = model_state(sub)
    _journal(actor, sub, InsightsAction.REVIEW_UNSUBSCRIBE, before, {})
    sub.delete()


def review_unsubscribe(*, actor: User, department: Any = None) -> bool:
    """Stop the actor's subscription there; False when there was none. Anyone may stop
    their own (a token needs `insights:read`)."""
    require_token_scope(actor, Perm.INSIGHTS_VIEW)
    dept = _department(department)
    with write_transaction():
        sub = my_review_subscriptions(actor=actor).filter(department=dept).first()
        if sub is None:
            return False
        _remove(actor, sub)
    return True


def review_subscription_remove(*, actor: User, subscription_id: Any) -> None:
    """Stop one of the actor's own subscriptions, by its id (the API's DELETE)."""
    with write_transaction():
        _remove(actor, review_subscription_get(actor=actor, pk=subscription_id))


def _message(report: Any, user: User, pdf: bytes, language: str) -> EmailMessage:
    link = settings.NOTIFY_BASE_URL.rstrip("/") + reverse("web:review_detail", args=[report.pk])
    with translation.override(language):
        words = {
            "period": report.figures.get("period", ""),
            "scope": report.department.name if report.department_id else _("Whole organisation"),
        }
        subject = _("[caseledger] Review report %(period)s: %(scope)s") % words
        lines = [_("The review report for %(period)s (%(scope)s) is attached.") % words]
        if report.signed_at:
            lines.append(_("Signed off by %(who)s.") % {"who": report.signed_by.get_username()})
        lines.append(_("Read it online: %(link)s") % {"link": link})
        lines.append(
            _("You receive this because you subscribed; unsubscribe on the review reports page.")
        )
    message = EmailMessage(subject, "\n\n".join(lines), None, [user.email])
    message.attach(review.file_name(report), pdf, "application/pdf")
    return message


def review_mail(*, actor: User | None, report: Any) -> dict[str, int]:
    """Mail a review report to each active subscriber who may still view it, in their
    language, the PDF attached; one journal entry for the mailing, by username."""
    from caseledger.insights import review
    from caseledger.notify.queries import language_of

    subs = ReviewSubscription.objects.filter(department_id=report.department_id)
    users = [s.user for s in subs.select_related("user").order_by("user__username")]
    users = [u for u in users if u.email and may_view_review(u, report.department_id)]
    if not users:
        return {"mailed": 0, "failed": 0}
    pdf = review.pdf_path(report.pdf_sha256).read_bytes()
    sent, failed = [], []
    for user in users:
        try:
            _message(report, user, pdf, language_of(user)).send()
        except Exception:  # one bad address or a mail server down: the others still go
            log.exception("review report %s: mail to %s failed", report.pk, user.username)
            failed.append(user.get_username())
        else:
            sent.append(user.get_username())
    with write_transaction():
        record_change(
            actor=actor,
            action=InsightsAction.REVIEW_MAIL,
            object_type="review_report",
            object_id=report.pk,
            after={"recipients": sent, "failed": failed},
        )
    return {"mailed": len(sent), "failed": len(failed)}


def review_mail_safely(*, actor: User | None, report: Any) -> dict[str, int]:
    """`review_mail`, never raising: the report stands whatever the mail does."""
    try:
        return review_mail(actor=actor, report=report)
    except Exception:
        log.exception("review report %s: mailing subscribers failed", report.pk)
        return {"mailed": 0, "failed": -1}
