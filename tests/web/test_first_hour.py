"""A new user's first hour, read in Chinese: what the pages call things must say what they
are (a due date is not "已到期", a recipient is not "截止日期"), no unit or code is left in
English, and refusals and the import page tell the reader what to do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from caseledger.insights import panels
from caseledger.insights.models import ClockTally
from caseledger.insights.scope import Filters, Scope
from caseledger.web.templatetags.caseledger_web import duration

pytestmark = pytest.mark.django_db


def _chinese(client):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    return client


def test_the_case_list_calls_its_deadline_column_a_due_date_not_overdue(people, case, login):
    html = _chinese(login(people.agent)).get("/cases/").content.decode()
    header = html.split('id="sort-due"')[1].split("</a>")[0]
    assert "到期时间" in header and "已到期" not in header


def test_the_reply_form_asks_for_a_recipient_not_a_deadline(people, case, login):
    html = _chinese(login(people.agent)).get(f"/cases/{case.pk}/").content.decode()
    label = html.split('for="id_to"')[1].split("</label>")[0]
    assert "收件人" in label and "截止日期" not in label


def test_time_left_on_a_clock_reads_in_the_readers_language():
    left = dt.timedelta(days=2, hours=3, minutes=5)
    with translation.override("zh-hans"):
        assert duration(left) == "2 天 3 小时 05 分钟"
        assert duration(dt.timedelta(0)) == "0 分钟"
    with translation.override("en"):
        assert duration(left) == "2 d 3 h 05 min"


def test_the_sla_panel_names_every_clock_in_words_not_codes(people):
    month = dt.date(2026, 6, 1)
    for kind in ("acknowledgement", "first_response", "next_update", "resolution"):
        ClockTally.objects.create(
            tally="a", period=month, department_id=people.sales.pk, category="", channel="",
            restricted=False, kind=kind, state="met", n=1,
        )  # fmt: skip
    everything = Scope(people.compliance, None, True)
    with translation.override("zh-hans"):
        labels = {row["key"]: row["label"] for row in panels.sla(everything, Filters(month, month))}
    assert labels == {
        "acknowledgement": "受理确认",
        "first_response": "首次响应",
        "next_update": "下次进展告知",
        "resolution": "处理结果",
    }


def test_a_refused_reader_is_told_whom_to_ask_once(people, login):
    response = _chinese(login(people.admin)).get("/cases/")
    html = response.content.decode()
    assert response.status_code == 403 and 'id="missing-permission"' in html
    assert "如工作需要，请联系管理员" in html  # the reason ends with the advice …
    assert "请联系系统管理员为您授予相应角色" not in html  # … so it is not said again


def test_the_import_page_says_which_columns_it_reads(people, login):
    html = _chinese(login(people.agent)).get("/imports/").content.decode()
    columns = html.split('id="import-columns"')[1].split("</details>")[0]
    assert "主题" in columns and ">subject</code>" in columns and "客户电话" in columns


def test_the_journal_names_every_record_field_and_action_a_demo_writes_in_chinese():
    # Read off a fresh `make run`: the journal and history pages fell back to the code's
    # English for these ("Intake：Form submit", "Is superuser", "Mail message").
    import re

    from caseledger.web.display import action_label, field_label, object_label

    latin = re.compile(r"[A-Za-z]{3,}")
    actions = ["intake.form_submit", "intake.status_view", "mail.send", "mail.sent",
               "privacy.request_open", "sla.policy_adopt", "statutory.adopt", "template.adopt",
               "clock.breach", "import.check", "archive.run"]  # fmt: skip
    fields = [("user", "is_superuser"), ("user", "last_name"), ("user", "must_change_password"),
              ("customer", "identifiers"), ("mail_message", "direction"),
              ("importbatch", "rows_total"), ("form_submission", "pow_hash"),
              ("retention_schedule", "risk_class"), ("consent", "granted_at")]  # fmt: skip
    records = ["form_submission", "importbatch", "mail_message", "pendingchange", "qualitycheck"]
    with translation.override("zh-hans"):
        shown = [action_label(a) for a in actions]
        shown += [field_label(o, f) for o, f in fields]
        shown += [object_label(o) for o in records]
    assert [s for s in shown if latin.search(s)] == []


def test_the_button_that_opens_a_corrective_action_says_so_not_pending(people, login):
    html = _chinese(login(people.supervisor)).get("/insights/actions/").content.decode()
    button = html.split('id="capa-open-submit"')[1].split("</button>")[0]
    assert "发起纠正措施" in button and "待处理" not in button
