"""The periodic review report (复盘): generated on demand and by the worker, stored as HTML
and PDF with Chinese text, journaled, signed off by the supervisor, listed by scope."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.management import call_command

from caseledger.core import clock
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.insights import review, rollup, services
from caseledger.insights.models import ReviewReport
from caseledger.insights.tasks import review_reports
from caseledger.journal.models import Entry
from tests.factories import make_case, make_customer
from tests.web.conftest import login  # noqa: F401  (fixture)

NOW = dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC)  # 11:00 in Shanghai, 1 December
IN_NOVEMBER = dt.datetime(2026, 11, 12, 3, tzinfo=dt.UTC)


@pytest.fixture
def november(people):
    with clock.frozen(IN_NOVEMBER):
        customer = make_customer(people.agent, people.sales)
        for _ in range(3):
            make_case(people.agent, customer, category="billing", subcategory="refund")
        other = make_customer(people.outsider, people.service)
        make_case(people.outsider, other, category="service", subcategory="attitude")
    rollup.catch_up()
    return people


def pdf_text(path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode()


pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="make report-deps")


@pdftotext
@pytest.mark.clock(NOW)
def test_the_command_writes_a_department_report_whose_pdf_reads_in_chinese(november, capsys):
    call_command("report", "review", "--period", "2026-11", "--department", "sales")
    report = ReviewReport.objects.get()
    assert report.figures["summary"]["now"]["cases"] == 3
    text = pdf_text(review.pdf_path(report.pdf_sha256))
    assert "关键指标" in text and "投诉类别" in text and "纠正措施" in text
    assert "受理案件数" in text and " 3 " in text.split("受理案件数")[1].split("\n")[0] + " "
    entry = Entry.objects.get(action="review.generate")
    assert entry.via == "cli" and entry.object_id == str(report.pk)


@pytest.mark.clock(NOW)
def test_the_worker_writes_last_months_reports_for_the_organisation_and_each_department(
    november,
):
    assert review_reports()["reports"] == 3  # organisation, sales, service
    org = ReviewReport.objects.get(department__isnull=True)
    assert org.figures["summary"]["now"]["cases"] == 4 and org.figures["period"] == "2026-11"


@pytest.mark.clock(NOW)
def test_a_quarter_compares_with_the_quarter_before(november):
    report = services.review_generate(actor=None, period="2026-q4")
    assert report.period_kind == "quarter" and report.figures["from"] == "2026-10-01"
    assert report.figures["summary"]["previous_period"] == {"from": "2026-07", "to": "2026-09"}
    with pytest.raises(ValidationFailed, match="quarter"):
        services.review_generate(actor=None, period="2026-13")


@pytest.mark.clock(NOW)
def test_a_supervisor_signs_their_departments_report_but_not_the_organisations(november):
    people = november
    report = services.review_generate(actor=people.supervisor, period="2026-11", department="sales")
    with pytest.raises(PermissionDenied):
        services.review_generate(actor=people.supervisor, period="2026-11")
    with pytest.raises(ValidationFailed):
        services.review_sign(actor=people.supervisor, report=report, conclusion="  ")
    signed = services.review_sign(
        actor=people.supervisor, report=report, conclusion="退款流程需要简化 Simplify refunds"
    )
    assert signed.signed_at is not None and "退款流程需要简化" in signed.html
    assert Entry.objects.filter(action="review.sign", object_id=str(report.pk)).exists()


@pytest.mark.clock(NOW)
def test_reports_are_listed_by_scope_and_downloadable(november, login):  # noqa: F811
    people = november
    services.review_generate(actor=None, period="2026-11", department="service")
    mine = services.review_generate(actor=None, period="2026-11", department="sales")
    client = login(people.supervisor)
    listing = client.get("/insights/reviews/").content.decode()
    assert f"/insights/reviews/{mine.pk}/" in listing and listing.count("report.pdf") == 1
    pdf = client.get(f"/insights/reviews/{mine.pk}/report.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    others = ReviewReport.objects.exclude(pk=mine.pk).get()
    assert client.get(f"/insights/reviews/{others.pk}/report.pdf").status_code == 404


@pytest.mark.clock(NOW)
def test_the_figures_export_as_csv_and_xlsx_and_each_export_is_journaled(november, login):  # noqa: F811
    client = login(november.supervisor)
    response = client.get("/insights/export.csv?from=2026-11&to=2026-11")
    text = response.content.decode("utf-8-sig")
    assert (
        response.status_code == 200
        and "category,billing" in text
        and "service" not in text.split("category,")[1]
    )
    assert client.get("/insights/export.xlsx?from=2026-11").status_code == 200
    assert Entry.objects.filter(action="insights.export").count() == 2
    assert client.get("/insights/export.csv?from=nope").status_code == 422
