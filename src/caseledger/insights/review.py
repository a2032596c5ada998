"""The periodic review report (复盘): its figures for a month or quarter, a department or
the organisation, frozen at generation; rendered to HTML and, by WeasyPrint with
fonts-noto-cjk, to PDF. The services (services.py) check permission and journal."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.core import clock
from caseledger.core.errors import NotFound, ValidationFailed
from caseledger.insights import capa_queries, charts, queries
from caseledger.insights.panels import sla
from caseledger.insights.scope import Filters, Scope, add_months
from caseledger.workflow.models import CaseClock

PERIOD = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4]))$")


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """`2026-11` (a month) or `2026-Q4` (a quarter): (kind, first month, last month)."""
    match = PERIOD.match(str(text or "").strip().upper())
    if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        raise ValidationFailed(
            _("period: “%(v)s” is neither a month (2026-11) nor a quarter (2026-Q4)")
            % {"v": str(text)[:20]},
            field="period",
        )
    year = int(match.group(1))
    if match.group(2):
        start = dt.date(year, int(match.group(2)), 1)
        return "month", start, start
    start = dt.date(year, 3 * int(match.group(3)) - 2, 1)
    return "quarter", start, add_months(start, 2)


def period_label(kind: str, start: dt.date) -> str:
    if kind == "month":
        return start.strftime("%Y-%m")
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def worst_breaches(scope: Scope, filters: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """Breached clocks of cases received in the period, latest-stopped or longest overdue."""
    start = timezone.make_aware(dt.datetime.combine(filters.start, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(filters.last_day, dt.time.max))
    qs = CaseClock.objects.filter(
        state="breached", case__received_at__gte=start, case__received_at__lte=end
    ).select_related("case")
    if scope.departments is not None:
        qs = qs.filter(case__department_id__in=scope.departments)
    if not scope.restricted:
        qs = qs.filter(case__restricted_at__isnull=True, case__customer__restricted_at__isnull=True)
    now = clock.now()
    out: list[dict[str, Any]] = []
    for c in qs.order_by("due_at")[:200]:
        late = ((c.stopped_at or now) - c.due_at).total_seconds() / 3600 if c.due_at else 0
        out.append(
            {
                "reference": c.case.reference,
                "category": c.case.category,
                "clock": c.kind,
                "hours_late": round(late, 1),
            }
        )
    return sorted(out, key=lambda r: -float(r["hours_late"]))[:limit]


def figures(scope: Scope, kind: str, first: dt.date, last: dt.date, department) -> dict[str, Any]:
    filters = Filters(first, last, department.pk if department else None)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(add_months(last, 1), dt.time()))
    trend = queries.trend(scope, filters, "category")
    totals = [sum(s["values"][i] for s in trend["series"]) for i in range(len(trend["periods"]))]
    return {
        "period": period_label(kind, first),
        "kind": kind,
        "from": first.isoformat(),
        "to": filters.last_day.isoformat(),
        "department": department.name if department else "",
        "summary": queries.summary(scope, filters),
        "trend": {"periods": trend["periods"], "totals": totals},
        "breakdown": queries.breakdown(scope, filters),
        "products": queries.products(scope, filters),
        "repeats": queries.repeats(scope, filters),
        "root_causes": queries.root_causes(scope, filters),
        "sla": sla(scope, filters),
        "breaches": worst_breaches(scope, filters),
        "capa": capa_queries.opened_closed(
            None if scope.departments is None else set(scope.departments), start, end
        ),
    }


def render_html(data: dict[str, Any], report: Any) -> str:
    pick = [(i["label"], i["n"]) for i in data["breakdown"].get("category", [])[:10]]
    svgs = {
        "trend": charts.columns(data["trend"]["periods"], data["trend"]["totals"]),
        "category": charts.bars(pick),
        "products": charts.bars([(i["label"], i["n"]) for i in data["products"]]),
        "root_causes": charts.bars([(i["label"], i["n"]) for i in data["root_causes"]]),
    }
    return render_to_string("insights/review.html", {"f": data, "svg": svgs, "report": report})


CSS_FILE = Path(__file__).parent / "static" / "insights" / "review.css"


LINK = '<link rel="stylesheet" href="/static/insights/review.css">'


def render_pdf(html: str) -> bytes:
    """The PDF of the stored HTML: the same stylesheet, read from the file (the HTML's link
    is for browsers); WeasyPrint's page-by-page progress is not worth a log line."""
    import logging

    from weasyprint import CSS as Style
    from weasyprint import HTML

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    document = HTML(string=html.replace(LINK, ""))
    return document.write_pdf(stylesheets=[Style(filename=str(CSS_FILE))])


def reports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "reports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store_pdf(pdf: bytes) -> str:
    digest = hashlib.sha256(pdf).hexdigest()
    target = reports_dir() / f"{digest}.pdf"
    if not target.exists():
        target.write_bytes(pdf)
        target.chmod(0o600)
    return digest


def pdf_path(digest: str) -> Path:
    return reports_dir() / f"{digest}.pdf"


def stored_pdf(report: Any) -> Path:
    """A report's stored PDF; NotFound when the file has gone from the reports directory."""
    path = pdf_path(report.pdf_sha256)
    if not path.exists():
        raise NotFound(_("the PDF of review report %(pk)s is missing") % {"pk": report.pk})
    return path


def file_name(report: Any, suffix: str = "pdf") -> str:
    """What a downloaded or mailed report is called: review-2026-11-sales.pdf."""
    name = f"review-{period_label(report.period_kind, report.period_start)}"
    if report.department_id:
        name += f"-{report.department.code}"
    return f"{name}.{suffix}"
