"""Every message caseledger marks for translation has a zh-Hans translation (issue 11): a
msgid added to the code without its entry in django.po (or without `msgfmt`) fails here,
wherever it is, on the operator's side as on the user's."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

import caseledger

ROOT = Path(caseledger.__file__).parent
MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop", "_lazy", "ngettext", "pgettext"}
# The same in Chinese: a name the Chinese pages use as it is.
SAME_IN_CHINESE = {"API"}


def marked_messages(source: str, where: str) -> list[tuple[str, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in MARKERS or not node.args:
            continue
        # pgettext(context, message): the message is the second argument, looked up in its
        # context (gettext finds "context\x04message", as pgettext asks for it).
        first = node.args[1] if name == "pgettext" and len(node.args) > 1 else node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
            context = node.args[0] if first is not node.args[0] else None
            if isinstance(context, ast.Constant) and isinstance(context.value, str):
                found.append((f"{where}:{node.lineno}", f"{context.value}\x04{first.value}"))
            else:
                found.append((f"{where}:{node.lineno}", first.value))
    return found


def _untranslated(text: str) -> bool:
    if text in SAME_IN_CHINESE:
        return False
    with translation.override("zh-hans"):
        return translation.gettext(text) == text


def test_every_message_marked_for_translation_has_a_chinese_translation():
    missing = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        missing += [f"{w}: {t}" for w, t in marked_messages(source, relative) if _untranslated(t)]
    assert not missing, "no zh-Hans translation:\n" + "\n".join(missing)


def test_the_walk_finds_a_message_however_it_is_marked():
    planted = """
a = _("one")
b = gettext_lazy("two")
c = gettext_noop("three")
d = translation.gettext("four")
e = _(variable)
f = pgettext("column", "five")
"""
    assert [t for _, t in marked_messages(planted, "planted.py")] == [
        "one",
        "two",
        "three",
        "four",
        "column\x04five",
    ]
