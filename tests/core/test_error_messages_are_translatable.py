"""The rule that keeps service errors translatable (issue 11 item 11): no f-string is the
message of a service error, of a command's error (`CommandError`) or of a form error
(`Collector.add`). An f-string cannot be a catalogue msgid, so a zh-Hans reader would get
English; raise `_("case %(ref)s is archived") % {"ref": ...}` instead. A message raised as a
plain string must be a msgid of the zh-Hans catalogue (CaseledgerError.shown looks it up).

The rule covers all of src/caseledger, the operator's side too: the command line, backups,
the archive store, demo data and mail imports speak to a Chinese operator in Chinese (`--lang`,
CASELEDGER_LANGUAGE or the terminal's locale; see core/cli_language.py). What stays English
is no error of these classes: a RuntimeError or ValueError that can only mean a bug in
caseledger itself (demo/load.py's generator checks, archive/store.py's object names) or a
setting checked while the task modules load, before translations can be (backup/tasks.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import caseledger

ERROR_CLASSES = {
    "CaseledgerError",
    "ValidationFailed",
    "Conflict",
    "PermissionDenied",
    "NotFound",
    "Throttled",
    "Held",
    "Restricted",
    "AlreadyRunning",
    "VersionRequired",
    # Their own subclasses, raised by the operator's side.
    "DecryptionRefused",
    "KeyRingError",
    "Corrupt",
    "CommandError",
}
ROOT = Path(caseledger.__file__).parent


def _message(call: ast.Call) -> ast.expr | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name in ERROR_CLASSES:
        if call.args:
            return call.args[0]
        return next((k.value for k in call.keywords if k.arg == "message"), None)
    # Collector.add(field, message, code): a set's add takes one argument.
    if name == "add" and isinstance(func, ast.Attribute) and len(call.args) >= 2:
        return call.args[1]
    return None


def _untranslatable(message: ast.expr | None) -> bool:
    """An f-string, or text glued to one (`f"..." + x`, `"..." + ", ".join(...)`)."""
    if isinstance(message, ast.JoinedStr):
        return True
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Add):
        return any(
            isinstance(side, ast.JoinedStr | ast.Constant) for side in (message.left, message.right)
        )
    return False


def offences(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _untranslatable(_message(node)):
            found.append(f"{where}:{node.lineno}: {ast.unparse(node)[:90]}")
    return found


def test_no_service_error_is_raised_with_an_f_string():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "migrations" in path.parts:
            continue
        found += offences(path.read_text(encoding="utf-8"), relative)
    assert not found, "untranslatable error messages:\n" + "\n".join(found)


def literal_messages(source: str, where: str) -> list[tuple[str, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            message = _message(node)
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                found.append((f"{where}:{node.lineno}", message.value))
    return found


def test_every_error_raised_as_plain_text_has_a_chinese_translation():
    from django.utils import translation

    missing = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).as_posix()
        for where, text in literal_messages(path.read_text(encoding="utf-8"), relative):
            with translation.override("zh-hans"):
                if text and translation.gettext(text) == text:
                    missing.append(f"{where}: {text}")
    assert not missing, "errors with no zh-Hans translation:\n" + "\n".join(missing)


def test_the_rule_finds_an_f_string_however_it_is_passed():
    planted = """
def f(c, ref, codes):
    raise Conflict(f"case {ref} is archived", field="case")
    raise NotFound(message=f"no {ref}")
    c.add("kind", f"{ref!r} is not a kind")
    raise ValidationFailed("one of " + ", ".join(codes))
    raise CommandError(f"backup {ref} failed")
"""
    assert len(offences(planted, "planted.py")) == 5


def test_the_rule_lets_a_translated_message_and_a_set_add_pass():
    fine = """
def f(c, ref, seen):
    raise Conflict(_("case %(ref)s is archived") % {"ref": ref}, field="case")
    c.add("kind", _("is required"), "required")
    seen.add(f"{ref}")
"""
    assert offences(fine, "fine.py") == []
