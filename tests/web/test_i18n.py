"""Every page speaks Simplified Chinese and English, switchable from any page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_language_switch_renders_chinese_and_back(people, case, login):
    client = login(people.agent)
    detail = reverse("web:case_detail", args=[case.pk])
    english = client.get(detail).content.decode()
    assert 'action="/i18n/setlang/"' in english  # the switch is on the page
    assert "Timeline" in english and "处理记录" not in english

    switched = client.post("/i18n/setlang/", {"language": "zh-hans", "next": detail})
    chinese = client.get(detail).content.decode()

    assert switched.status_code == 302 and switched["Location"] == detail
    assert '<html lang="zh-hans">' in chinese
    assert "处理记录" in chinese  # Timeline
    assert "投诉" in chinese  # the case kind label from cases/models.py
    assert "账单与费用" in chinese  # the category label from cases/taxonomy.py
    assert "已接收" in chinese  # the status label

    client.post("/i18n/setlang/", {"language": "en", "next": detail})
    assert "Timeline" in client.get(detail).content.decode()


def test_list_headers_and_login_page_are_translated(client, people):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert "登录" in client.get(reverse("web:login")).content.decode()
    client.force_login(people.agent)
    html = client.get(reverse("web:case_list")).content.decode()
    assert "接收时间" in html and "新建案件" in html and "导出" not in html


def test_the_compiled_catalog_matches_the_source_so_a_clone_needs_no_gettext():
    import gettext
    import re
    from pathlib import Path

    import caseledger

    messages = Path(caseledger.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
    with (messages / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    source = (messages / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^(msgctxt .*\n)?msgid "(.+)"\nmsgstr "(.+)"$', source, re.MULTILINE)
    simple = [(msgid, msgstr) for context, msgid, msgstr in pairs if not context]
    assert len(simple) > 150
    assert all(compiled.gettext(msgid) == msgstr for msgid, msgstr in simple if "\\" not in msgid)
