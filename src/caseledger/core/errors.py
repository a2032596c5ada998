"""The errors a service raises. Interfaces turn them into messages, HTTP codes or exit codes."""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

# What a refusal means, said in the reader's language, for a message raised without a
# translation: the reader gets a sentence they can read, followed by the detail as raised.
_SUMMARIES = {
    "forbidden": gettext_noop("You are not allowed to do this."),
    "not_found": gettext_noop("This does not exist, or you may not see it."),
    "conflict": gettext_noop("This cannot be done in the record's present state."),
    "invalid": gettext_noop("The input is not valid."),
    "throttled": gettext_noop("Too many attempts; wait a moment and try again."),
    "error": gettext_noop("This could not be done."),
}
_CJK = re.compile(r"[\u3400-\u9fff]")


class CaseledgerError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.shown()}

    def shown(self) -> str:
        """The message in the active language, where interfaces render it.

        Services raise through gettext; a message raised as a catalogue msgid before the
        language was known (a worker, a check at import) is looked up again here. One raised
        in English with no translation is led, for a reader of another language, by what
        this kind of refusal means in theirs (the detail follows as raised)."""
        from django.utils.translation import get_language, gettext

        if not self.message:
            return self.message
        text = gettext(self.message)
        language = get_language() or "en"
        if text != self.message or language.startswith("en") or _CJK.search(text):
            return text
        summary = (
            _SUMMARIES.get(self.code) or _SUMMARIES[_BASE_CODES.get(self.http_status, "error")]
        )
        return gettext("%(summary)s (%(detail)s)") % {"summary": gettext(summary), "detail": text}


class ValidationFailed(CaseledgerError):
    """Bad input. Names the field and what is wrong with it."""

    code = "invalid"
    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        errors: list[CaseledgerError] | None = None,
    ):
        super().__init__(message, field=field, code=code)
        self.errors = errors or []

    def as_dict(self) -> dict:
        data = super().as_dict()
        if self.errors:
            data["errors"] = [e.as_dict() for e in self.errors]
        return data

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class PermissionDenied(CaseledgerError):
    code = "forbidden"
    http_status = 403


class NotFound(CaseledgerError):
    code = "not_found"
    http_status = 404


class Conflict(CaseledgerError):
    code = "conflict"
    http_status = 409


class Throttled(CaseledgerError):
    """Too many failed attempts; `retry_after` says in how many seconds to try again."""

    code = "throttled"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after


_BASE_CODES = {
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    422: "invalid",
    429: "throttled",
}


def choice_word(record: object, field: str = "status") -> str:
    """A choice field's value inside a message: the code itself for an English reader (the
    wording scripts and tests match stays), its translated label for a reader of another
    language, who would otherwise meet an English code in a Chinese sentence."""
    from django.utils.translation import get_language

    value = getattr(record, field)
    if (get_language() or "en").startswith("en"):
        return str(value)
    return str(getattr(record, f"get_{field}_display")())


def value_word(choices: type, value: object) -> str:
    """A code of a choices class (a TextChoices) inside a message, as choice_word words a
    record's field: the code for an English reader, its translated label for another; a
    value that is no code of the class is shown as given."""
    from django.utils.translation import get_language

    if (get_language() or "en").startswith("en") or value not in choices.values:  # type: ignore[attr-defined]
        return str(value)
    return str(choices(value).label)


_RECORD_WORDS = {"case": gettext_noop("case"), "customer": gettext_noop("customer")}


def record_word(record_type: str) -> str:
    """A record type named in a message ("case", "customer"), in the reader's language."""
    from django.utils.translation import gettext

    word = _RECORD_WORDS.get(record_type)
    return gettext(word) if word else record_type
