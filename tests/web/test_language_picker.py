"""The language picker names each language in its own words on every page, whatever the
page's language: "English" stays English on a zh-Hans page (not "英语")."""

from __future__ import annotations

import re

from django.test import Client


def _options(html: str) -> list[str]:
    return re.findall(r'<option value="(?:en|zh-hans)" lang="[^"]+"[^>]*>([^<]+)</option>', html)


def test_the_picker_names_each_language_in_itself_in_both_languages(people):
    client = Client()
    client.force_login(people.agent)
    client.cookies["django_language"] = "zh-hans"
    assert _options(client.get("/cases/").content.decode()) == ["简体中文", "English"]
    client.cookies["django_language"] = "en"
    assert _options(client.get("/cases/").content.decode()) == ["简体中文", "English"]
    assert _options(Client().get("/login/").content.decode()) == ["简体中文", "English"]
