"""Corrective actions (CAPA), each write journaled: a supervisor opens one from a case, a
root cause or a dashboard finding; its owner moves it on; it closes only with the
verification of its effect; the worker reminds owners of what is due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.queries import case_list
from caseledger.core import clock
from caseledger.core.errors import Conflict, NotFound, PermissionDenied
from caseledger.core.ids import is_id
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.insights.actions import InsightsAction
from caseledger.insights.models import CapaStatus, CorrectiveAction
from caseledger.journal.services import record_change, write_transaction

FIELDS = ("department", "problem", "source", "owner", "due_on", "case_ids")
UPDATE_FIELDS = ("problem", "source", "owner", "due_on", "case_ids", "status", "verification")
NEXT = {
    CapaStatus.OPEN: {CapaStatus.IN_PROGRESS, CapaStatus.VERIFYING, CapaStatus.CLOSED},
    CapaStatus.IN_PROGRESS: {CapaStatus.VERIFYING, CapaStatus.CLOSED},
    CapaStatus.VERIFYING: {CapaStatus.IN_PROGRESS, CapaStatus.CLOSED},
    CapaStatus.CLOSED: {CapaStatus.IN_PROGRESS},  # reopened: the fix did not hold
}


def capa_state(capa: CorrectiveAction) -> dict[str, Any]:
    return model_state(capa)


def _journal(actor, capa, action, before, reason="") -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="capa",
        object_id=capa.pk,
        before=before,
        after=capa_state(capa),
        reason=reason,
    )


def owner_choices(department_id: int) -> list[User]:
    """Who may own a corrective action of a department: the active people who may move it
    on (capa.manage there: its supervisors, compliance officers), by username."""
    from caseledger.accounts.queries import granted

    people = (
        User.objects.filter(granted(Perm.CAPA_MANAGE, [department_id]), is_active=True)
        .distinct()
        .order_by("username")
        .prefetch_related("supervised_departments")
    )
    return [p for p in people if can(p, Perm.CAPA_MANAGE, department_id)]


def _owner(
    value: Any, department_id: int | None, c: Collector, current: int | None = None
) -> User | None:
    """The owner named by username or id; a new owner must be allowed to move the action
    on (the one it has stays, even if their role changed since)."""
    user = User.objects.filter(username=str(value or "").strip(), is_active=True).first()
    if user is None and is_id(str(value or "")):
        user = User.objects.filter(pk=int(value), is_active=True).first()
    if user is None:
        c.add("owner", _("is not an active user"), "unknown")
    elif (
        department_id is not None
        and user.pk != current
        and not can(user, Perm.CAPA_MANAGE, department_id)
    ):
        c.add(
            "owner",
            _(
                "%(who)s may not move this department's corrective actions on: the owner "
                "must be one of its supervisors or a compliance officer"
            )
            % {"who": user.username},
            "not_allowed",
        )
    return user


def _cases(actor: User, value: Any, c: Collector) -> list[int]:
    """Linked cases: ids the actor may see; every unknown one named."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else str(value).replace(",", " ").split()
    ids = []
    for item in items:
        text = str(item).strip()
        if not is_id(text) or int(text) >= 2**63:
            c.add("case_ids", _("%(v)s is not a case id") % {"v": text[:20]})
        else:
            ids.append(int(text))
    seen = set(case_list(actor=actor).filter(pk__in=ids).values_list("pk", flat=True))
    for pk in ids:
        if pk not in seen:
            c.add("case_ids", _("case %(pk)s does not exist or is not yours to see") % {"pk": pk})
    return sorted(set(ids))


def _clean(
    actor, data: Mapping[str, Any], allowed, department_id, c: Collector, owner=None
) -> dict:
    c.unknown(data, allowed)
    out: dict[str, Any] = {}
    if "problem" in data or "department" in allowed:
        out["problem"] = c.text(data, "problem", required=True, max_length=5000)
    if "source" in data:
        out["source"] = c.text(data, "source", max_length=200) or ""
    if "owner" in data or "department" in allowed:
        out["owner"] = _owner(data.get("owner"), department_id, c, owner)
    if "due_on" in data or "department" in allowed:
        due = c.day(data, "due_on")
        if due is None and not any(e.field == "due_on" for e in c.errors):
            c.add("due_on", _("is required"), "required")
        out["due_on"] = due
    if "case_ids" in data:
        out["case_ids"] = _cases(actor, data.get("case_ids"), c)
    if "verification" in data:
        out["verification"] = c.text(data, "verification", max_length=5000) or ""
    if "status" in data:
        out["status"] = c.choice(data, "status", CapaStatus.values, required=True)
    return {k: v for k, v in out.items() if v is not None}


def capa_open(*, actor: User, data: Mapping[str, Any], reason: str = "") -> CorrectiveAction:
    """Open a corrective action in a department the actor supervises."""
    from caseledger.accounts.queries import department_by

    require(actor, Perm.CAPA_MANAGE)
    c = Collector()
    department = None
    try:
        department = department_by(data.get("department"))
    except NotFound:  # named below, with every other bad field
        c.add("department", _("is not a department"), "unknown")
    if department is not None:
        require(actor, Perm.CAPA_MANAGE, department.pk)
    clean = _clean(actor, data, FIELDS, department and department.pk, c)
    c.raise_if_any()
    assert department is not None  # a missing one was raised above
    with write_transaction():
        capa = CorrectiveAction.objects.create(
            department=department, opened_by=actor, opened_at=clock.now(), **clean
        )
        _journal(actor, capa, InsightsAction.CAPA_OPEN, {}, reason)
    return capa


def capa_update(
    *,
    actor: User,
    capa: CorrectiveAction,
    data: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> CorrectiveAction:
    """Edit, move on, verify or close. Closing needs the verification of effect. With
    `expected_version` (the version the person read), a change saved by someone else
    meanwhile is refused instead of overwritten."""
    require(actor, Perm.CAPA_MANAGE, capa.department_id)
    c = Collector()
    clean = _clean(actor, data, UPDATE_FIELDS, capa.department_id, c, capa.owner_id)
    c.raise_if_any()
    with write_transaction():
        capa = CorrectiveAction.objects.select_for_update().get(pk=capa.pk)
        if expected_version is not None and capa.version != expected_version:
            raise Conflict(
                _(
                    "corrective action %(pk)s was changed by someone else (version %(now)s, "
                    "you edited version %(yours)s); reload and try again"
                )
                % {"pk": capa.pk, "now": capa.version, "yours": expected_version},
                field="version",
            )
        before = capa_state(capa)
        status = clean.get("status", capa.status)
        if status != capa.status and status not in NEXT[CapaStatus(capa.status)]:
            raise Conflict(
                _("a corrective action cannot move from %(a)s to %(b)s")
                % {"a": capa.status, "b": status},
                field="status",
            )
        for key, value in clean.items():
            setattr(capa, key, value)
        if status == CapaStatus.CLOSED and not capa.verification.strip():
            c.add("verification", _("is required to close: how was the effect verified?"))
            c.raise_if_any()
        capa.closed_at = clock.now() if status == CapaStatus.CLOSED else None
        if capa_state(capa) == before:
            return capa
        capa.version += 1
        capa.save()
        _journal(
            actor,
            capa,
            InsightsAction.CAPA_CLOSE
            if status == CapaStatus.CLOSED
            else InsightsAction.CAPA_UPDATE,
            before,
            reason,
        )
    return capa


def _remind_mail(capa: CorrectiveAction, today: dt.date) -> None:
    """The reminder in the owner's language; the problem's own words only in the body."""
    from django.urls import reverse
    from django.utils import translation

    from caseledger.notify.queries import language_of

    link = settings.NOTIFY_BASE_URL.rstrip("/") + reverse("web:action_detail", args=[capa.pk])
    words = {"id": capa.pk, "due": capa.due_on.isoformat()}
    with translation.override(language_of(capa.owner)):
        if capa.due_on < today:
            subject = _("[caseledger] Corrective action #%(id)s is overdue (due %(due)s)") % words
        else:
            subject = _("[caseledger] Corrective action #%(id)s is due on %(due)s") % words
        status = CapaStatus(capa.status).label
        body = "\n\n".join(
            [
                _("Corrective action #%(id)s, due %(due)s; status: %(status)s.")
                % {**words, "status": status},
                _("Problem:") + "\n" + capa.problem,
                _("Open it: %(link)s") % {"link": link},
            ]
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [capa.owner.email])


def capa_remind(*, actor: User | None, on: dt.date | None = None) -> dict[str, int]:
    """Mail each owner their corrective actions due within CAPA_REMIND_DAYS or overdue,
    once a day each; every reminder journaled."""
    today = on or timezone.localtime(clock.now()).date()
    horizon = today + dt.timedelta(days=settings.INSIGHTS_CAPA_REMIND_DAYS)
    due = CorrectiveAction.objects.select_related("owner").exclude(status=CapaStatus.CLOSED)
    due = due.filter(due_on__lte=horizon).exclude(reminded_on=today)
    sent = 0
    for capa in due.order_by("pk"):
        with write_transaction():
            before = capa_state(capa)
            capa.reminded_on = today
            capa.save(update_fields=["reminded_on"])
            _journal(actor, capa, InsightsAction.CAPA_REMIND, before)
        if capa.owner.email:
            _remind_mail(capa, today)
        sent += 1
    return {"reminded": sent}


def may_manage(actor: User, capa: CorrectiveAction) -> bool:
    return can(actor, Perm.CAPA_MANAGE, capa.department_id)


def _ORG_ONLY() -> str:
    from caseledger.insights.capa_queries import org_only

    return org_only()


def _review_scope(actor: User | None, department) -> Any:
    """The worker and the command line (no actor) write every report; a person only those of
    departments whose figures they see, the organisation's only with every department."""
    from caseledger.insights.capa_queries import require_review_view
    from caseledger.insights.scope import Scope

    if actor is not None:
        require_review_view(actor, department.pk if department else None)
    # Restricted records are never in a report: its readers are not all compliance.
    return Scope(actor, frozenset({department.pk}) if department else None, False)  # type: ignore[arg-type]


def review_generate(*, actor: User | None, period: str, department: Any = None) -> Any:
    """Generate (again) the review report of a month or quarter, for one department or the
    organisation: figures frozen now, HTML and PDF stored; journaled."""
    from caseledger.accounts.queries import department_by
    from caseledger.insights import review
    from caseledger.insights.models import ReviewReport

    kind, first, last = review.parse_period(period)
    dept = department_by(department) if department not in (None, "") else None
    scope = _review_scope(actor, dept)
    data = review.figures(scope, kind, first, last, dept)
    with write_transaction():
        report = ReviewReport(
            period_kind=kind,
            period_start=first,
            department=dept,
            figures=data,
            generated_at=clock.now(),
            generated_by=actor,
        )
        report.html = review.render_html(data, report)
        pdf = review.render_pdf(report.html)
        report.pdf_sha256, report.pdf_size = review.store_pdf(pdf), len(pdf)
        report.save()
        _journal_review(actor, report, InsightsAction.REVIEW_GENERATE, {})
    return report


def review_state(report: Any) -> dict[str, Any]:
    return model_state(report, exclude=("html", "figures"))


def _journal_review(actor, report, action, before) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="review_report",
        object_id=report.pk,
        before=before,
        after=review_state(report),
    )


def review_sign(*, actor: User, report: Any, conclusion: str) -> Any:
    """The supervisor's conclusion and sign-off; the HTML and PDF are rendered again, then
    mailed to the report's subscribers (insights/subscriptions.py)."""
    from caseledger.accounts.access import department_ids
    from caseledger.insights import review

    if report.department_id is None:
        require(actor, Perm.CAPA_MANAGE)
        if department_ids(actor, Perm.CAPA_MANAGE) is not None:
            raise PermissionDenied(_ORG_ONLY(), code="forbidden")
    else:
        require(actor, Perm.CAPA_MANAGE, report.department_id)
    c = Collector()
    text = c.text({"conclusion": conclusion}, "conclusion", required=True, max_length=20000)
    c.raise_if_any()
    with write_transaction():
        before = review_state(report)
        report.conclusion, report.signed_by, report.signed_at = text, actor, clock.now()
        report.html = review.render_html(report.figures, report)
        pdf = review.render_pdf(report.html)
        report.pdf_sha256, report.pdf_size = review.store_pdf(pdf), len(pdf)
        report.save()
        _journal_review(actor, report, InsightsAction.REVIEW_SIGN, before)
    from caseledger.insights.subscriptions import review_mail_safely

    review_mail_safely(actor=actor, report=report)  # after the commit: mail never undoes it
    return report


def insights_export(*, actor: User, filters: Any, scope: Any) -> list[list[Any]]:
    """The dashboard's figures as rows (dimension, key, label, cases) for CSV/XLSX, recorded
    in the journal as one export (who, which filters, how many rows) before any row leaves.
    Nothing masked can be in them: sensitive fields never reach the roll-ups."""
    import uuid

    from caseledger.insights import queries

    require(actor, Perm.INSIGHTS_VIEW, filters.department)
    rows: list[list[Any]] = []
    trend = queries.trend(scope, filters, "kind")
    for i, period in enumerate(trend["periods"]):
        rows.append(["period", period, period, sum(s["values"][i] for s in trend["series"])])
    for dimension, items in queries.breakdown(scope, filters).items():
        rows += [[dimension, i["key"], i["label"], i["n"]] for i in items]
    rows += [
        ["product", i["product"], i["label"], i["n"]] for i in queries.products(scope, filters)
    ]
    rows += [["root_cause", "", i["label"], i["n"]] for i in queries.root_causes(scope, filters)]
    with write_transaction():
        record_change(
            actor=actor,
            action=InsightsAction.EXPORT,
            object_type="export",
            object_id=uuid.uuid4().hex,
            after={"filters": filters.as_params(), "rows": len(rows)},
        )
    return rows
