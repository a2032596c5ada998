"""The language a caseledger command speaks to the operator at the terminal.

First match wins: the command's `--lang`, then `CASELEDGER_LANGUAGE`, then the terminal's
locale (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`; `zh_CN.UTF-8` reads as zh-Hans,
`en_US.UTF-8` as English, `C`/`POSIX` says nothing), then the installation's default
(`settings.LANGUAGE_CODE`)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.conf import settings

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def known(text: str | None) -> str | None:
    """`zh-Hans`, `zh_CN.UTF-8`, `zh`, `en_GB` → a language caseledger speaks, or None."""
    if not text:
        return None
    tag = text.split(".")[0].split("@")[0].replace("_", "-").lower()
    if tag.startswith("zh"):
        return "zh-hans"
    if tag == "en" or tag.startswith("en-"):
        return "en"
    return None


def cli_language(given: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for candidate in (given, env.get("CASELEDGER_LANGUAGE")):
        if language := known(candidate):
            return language
    if getattr(settings, "CLI_LANGUAGE_FROM_LOCALE", True):
        for name in LOCALE_VARIABLES:
            value = env.get(name, "")
            # LANGUAGE may list several, in order of preference: zh_CN:en_US.
            for part in value.split(":"):
                if language := known(part):
                    return language
            if value:
                break  # a locale is set (C.UTF-8, say) and names no language we speak
    return known(settings.LANGUAGE_CODE) or "zh-hans"
