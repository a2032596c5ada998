"""Every page of the navigation, for every role, in zh-Hans: no untranslated message and no
raw code (issue 11 items 10-12).

The pages are not listed here: each persona's links are read from the navigation it is
shown, then the links on those pages (one level down, one page per route), and every
persona also opens every other persona's navigation, so the refusals are read too.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from caseledger.core import clock

pytestmark = pytest.mark.django_db

SKIP_ROUTES = {"logout", "set_language"}
MAX_PAGES = 60  # per persona; one page per route keeps it to a few seconds
_WORD = r"(?<![\w./-]){}(?![\w/-])"
_DICT_REPR = re.compile(r"\{'[^']+': |\{\"[^\"]+\": ")
_PERIOD_CODE = re.compile(r"(?<![\w.])\d+[ymd](?![\w])")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ENGLISH_SENTENCE = re.compile(r"^[A-Za-z][A-Za-z,'’()-]*(?: [A-Za-z,'’()-]+)+[.:;!?]?$")


class _Text(HTMLParser):
    """Visible text nodes and the attributes people read (placeholder, title, aria-label).
    The stored form of a journal entry (<details class="raw">) is what the hash covers and
    stays as stored; it is the one place codes are meant to be read."""

    READ_ATTRS = ("placeholder", "title", "aria-label")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self.nav_links: list[str] = []
        self._skip = 0
        self._in_nav = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "input", "meta", "link", "img", "hr"):
            self._attrs(tag, attrs)
            return
        self._stack.append(tag)
        values = dict(attrs)
        # translate="no" (HTML's own mark) is data someone named: a destination, a code.
        if (
            tag in ("script", "style")
            or "raw" in (values.get("class") or "").split()
            or values.get("translate") == "no"
        ):
            self._skip += 1
            self._stack[-1] = f"skip:{tag}"
        if tag == "nav":
            self._in_nav += 1
        self._attrs(tag, attrs)

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self._skip:
            return
        for name in self.READ_ATTRS:
            if values.get(name):
                self.texts.append(str(values[name]))
        if tag == "a" and values.get("href"):
            (self.nav_links if self._in_nav else self.links).append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            top = self._stack.pop()
            if top.startswith("skip:"):
                self._skip -= 1
            if top == "nav":
                self._in_nav -= 1
            if top.removeprefix("skip:") == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _translated_msgids() -> set[str]:
    """English msgids whose zh-Hans translation differs: shown as they are, untranslated."""
    import gettext
    from pathlib import Path

    import caseledger

    path = Path(caseledger.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.mo"
    with path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    messages = catalog._catalog  # type: ignore[attr-defined]
    return {
        key
        for key, value in messages.items()
        if isinstance(key, str)
        and key
        and value != key
        and re.search("[A-Za-z]{3}", key)
        and "\x04" not in key
        and not key.startswith(("%", "{"))
    }


def _known_codes() -> list[re.Pattern[str]]:
    """Field names, action codes, taxonomy codes, triggers and choice values as stored."""
    from django.apps import apps

    from caseledger.accounts.permissions import Perm, Role
    from caseledger.cases.taxonomy import categories
    from caseledger.journal.models import Entry
    from caseledger.retention.models import Trigger

    codes: set[str] = set()
    for model in apps.get_models():
        if model.__module__.startswith("caseledger."):
            codes |= {f.attname for f in model._meta.concrete_fields if "_" in f.attname}
            for f in model._meta.concrete_fields:
                codes |= {str(k) for k, _label in f.flatchoices if "_" in str(k)}
    codes |= set(Entry.objects.values_list("action", flat=True).distinct())
    # Plain words ("service", "created") are codes too, but also words: the underscored
    # codes, the `category/subcategory` paths and dotted codes are what leaks look like.
    for key, (_label, subs) in categories(active_only=False).items():
        codes |= {f"{key}/{sub}" for sub in subs} | {c for c in (key, *subs) if "_" in c}
    codes |= {t for t in Trigger.values if "_" in t} | {r.value for r in Role if "_" in r.value}
    codes |= {p.value for p in Perm} | {"lacks permission"}
    return [re.compile(_WORD.format(re.escape(code))) for code in sorted(codes)]


def _problems(
    url: str, texts: list[str], msgids: set[str], codes: list[re.Pattern[str]], chinese: bool
):
    """Untranslated text counts on a Chinese page only; codes and dicts on any page."""
    for text in texts:
        if chinese and text in msgids:
            yield f"{url}: untranslated message {text!r}"
        elif chinese and not _CJK.search(text) and _ENGLISH_SENTENCE.match(text):
            yield f"{url}: English sentence {text!r}"
        if _DICT_REPR.search(text):
            yield f"{url}: a Python dict or JSON object {text!r}"
        if _PERIOD_CODE.search(text):
            yield f"{url}: a period code in {text!r}"
        for pattern in codes:
            if pattern.search(text):
                yield f"{url}: raw code {pattern.pattern!r} in {text!r}"


def _route(path: str) -> str | None:
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.url_name or ""
    return None if name in SKIP_ROUTES or match.namespace == "api" else name


def _read(client: Client, url: str) -> tuple[int, _Text]:
    response = client.get(url, follow=True)
    parser = _Text()
    if "text/html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode())
    return response.status_code, parser


def _records(people):
    """An edited case with notes, a tagged customer, adopted schedules, a filter hold, and
    a proposed disposition of customers (its items are customers, named in words)."""
    from caseledger.cases.services import case_note_add, case_update
    from caseledger.customers.services import contact_point_add
    from caseledger.retention.services import hold_place, presets_adopt
    from tests.factories import make_case, make_customer

    customer = make_customer(people.agent, people.sales, tags=["vip", "banking"])
    with clock.frozen(clock.now() - dt.timedelta(days=3)):
        case = make_case(
            people.agent, customer, description="三月账单重复扣费。", customer_request="退还第二笔"
        )
    case_update(
        actor=people.supervisor,
        case=case,
        data={"assignee": people.agent.pk, "subcategory": "refund", "priority": "urgent"},
        reason="客户来电催办",
    )
    case_note_add(actor=people.agent, case=case, body="已回电客户")
    contact_point_add(actor=people.agent, customer=customer, data={"kind": "email",
                      "value": "new@example.com"})  # fmt: skip
    _customer_disposition(people)
    presets_adopt(actor=people.records_manager, industry="banking")
    hold_place(
        actor=people.records_manager,
        matter="扣费争议",
        reason="律师函",
        scope="filter",
        case_filter={"category": "billing", "department": str(people.sales.pk)},
    )
    return case


def _customer_disposition(people) -> None:
    from caseledger.disposition.services import disposition_propose
    from caseledger.retention.services import retention_recompute, schedule_create
    from tests.factories import make_customer

    make_customer(people.outsider, people.service)
    schedule = schedule_create(
        actor=people.records_manager,
        data={
            "name": "客户信息一年后匿名化",
            "record_kind": "customer",
            "period_years": 1,
            "triggers": ["created"],
            "action": "anonymize",
            "legal_source": "个人信息保护法第 19 条",
        },
        code="customers-anonymize",
    )
    retention_recompute(
        actor=people.records_manager, on=clock.now().date() + dt.timedelta(days=14 * 365)
    )
    disposition_propose(actor=people.records_manager, schedule=schedule, reason="期限届满")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_navigation_page_for_every_role_reads_in_words(people, language):
    """In zh-Hans: no untranslated message, no raw code. In English: no raw code either."""
    _records(people)
    msgids, codes = _translated_msgids(), _known_codes()
    clients = {}
    nav: dict[str, list[str]] = {}
    for persona, user in people.all().items():
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(user)
        clients[persona] = client
        status, home = _read(client, "/")
        assert status == 200, persona
        nav[persona] = ["/", *home.nav_links]
    assert len(set(nav["records_manager"])) > 4 and len(set(nav["admin"])) > 2
    everyone = sorted(
        {link for links in nav.values() for link in links if _route(link) is not None}
    )
    problems: list[str] = []
    read = 0
    routes: dict[str, set[str]] = {}
    for persona, client in clients.items():
        seen: set[str] = set()
        # Breadth first from the persona's own navigation (then everyone's, for refusals),
        # three links deep: list → record → its history.
        queue = [(url, 0) for url in [*nav[persona], *everyone]]
        while queue and len(seen) < MAX_PAGES:
            url, depth = queue.pop(0)
            route = _route(url)
            if route is None or route in seen:
                continue
            seen.add(route)
            status, page = _read(client, url)
            read += 1
            if status >= 500:
                problems.append(f"{persona} {url}: {status}")
            problems += [
                f"{persona} {p}"
                for p in _problems(url, page.texts, msgids, codes, language == "zh-hans")
            ]
            if depth < 2 and status == 200:
                queue += [(link, depth + 1) for link in page.links]
        routes[persona] = seen
    assert read > 40
    # The walk reached the pages the issue names: history, journal entry, hold console,
    # a disposition batch, a customer with tags.
    assert {"case_history", "customer_detail", "journal_entry", "retention"} <= routes["auditor"]
    assert {"disposition_batch", "disposition_review"} <= routes["records_manager"]
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_preset_schedule_name_and_source_note_reads_in_chinese():
    from django.utils import translation

    from caseledger.retention.presets import PRESETS
    from caseledger.web.schedule_words import schedule_name, schedule_note

    with translation.override("zh-hans"):
        for preset in PRESETS:
            shown = {"code": f"banking-{preset.code}", "name": preset.name,
                     "legal_source": preset.source}  # fmt: skip
            assert schedule_name(shown) != preset.name, preset.code
            assert schedule_note(shown) != preset.source, preset.code
        edited = {"code": PRESETS[0].code, "name": "我们自己的名称", "legal_source": "自定"}
        assert schedule_name(edited) == "我们自己的名称"
