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


def _catalog_entries() -> list[dict[str, object]]:
    """The .po's entries read with the standard library (no polib in the venv): each has its
    flags, msgctxt, msgid, msgid_plural and msgstr forms."""
    import ast
    from pathlib import Path

    import caseledger

    path = Path(caseledger.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    key = ""

    def finish() -> None:
        if "msgid" in entry:
            entries.append(dict(entry))
        entry.clear()

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            finish()
        elif line.startswith("#,"):
            entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] = str(entry[key]) + ast.literal_eval(line)
        else:
            key, _, literal = line.partition(" ")
            if key == "msgid" and "msgid" in entry:  # an entry without a blank line before
                finish()
            entry[key] = ast.literal_eval(literal)
    return entries


def _as_text(message: str) -> str:
    """A named value shown as its repr in English ('%(value)r', quotes included) may be shown
    as text in Chinese quotes (“%(value)s”): the same value, so the same placeholder."""
    import re

    return re.sub(r"(%\([^)]+\))r", r"\1s", message)


def test_every_message_has_a_checked_chinese_translation():
    import re

    placeholder = re.compile(r"%\([^)]+\)[sdr]|%[sdr]|\{[a-z_]*\}|</?[a-z][^>]*>")
    entries = [e for e in _catalog_entries() if e["msgid"]]
    header = next(e for e in _catalog_entries() if not e["msgid"])
    assert "nplurals=1; plural=0;" in str(header["msgstr"])
    assert len(entries) > 500
    problems = []
    for e in entries:
        msgid = str(e["msgid"])
        forms = [str(v) for k, v in e.items() if k.startswith("msgstr")]
        if "msgid_plural" in e and set(k for k in e if k.startswith("msgstr")) != {"msgstr[0]"}:
            problems.append(f"{msgid!r}: Chinese has one plural form, msgstr[0] only")
        if "fuzzy" in e.get("flags", set()):  # type: ignore[operator]
            problems.append(f"{msgid!r}: still fuzzy")
        for form in forms:
            if not form.strip():
                problems.append(f"{msgid!r}: untranslated")
            elif sorted(placeholder.findall(_as_text(form))) != sorted(
                placeholder.findall(_as_text(msgid))
            ):
                problems.append(f"{msgid!r}: placeholders or tags differ in {form!r}")
    assert not problems, "\n".join(problems)


def test_retention_disposition_reminder_and_quality_pages_speak_chinese(client, people):
    """The pages added with archive, disposition, reminders and sampling: their headings and
    empty states come from the catalogue, not the English source."""
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    client.force_login(people.records_manager)
    pages = {
        "web:retention": ["保管期限与诉讼保全", "处置证明"],
        "web:disposition_review": ["处置审核", "没有到期的记录。", "暂无批次。"],
        "web:disposition_certificates": ["处置证明", "暂无处置证明。"],
        "web:reminders": ["保管期限提醒", "暂无提醒。"],
    }
    for name, chinese in pages.items():
        html = client.get(reverse(name)).content.decode()
        assert all(text in html for text in chinese), name
    client.force_login(people.supervisor)
    html = client.get(reverse("web:quality")).content.decode()
    assert "数据质量抽检" in html and "Data-quality samples" not in html
