"""The errors a service raises. Interfaces turn them into messages, HTTP codes or exit codes."""

from __future__ import annotations


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
        """The message in the active language. Services raise through gettext already; a
        message raised as a catalogue msgid before the language was known (a worker, a
        check run at import) is looked up again here, where interfaces render it."""
        from django.utils.translation import gettext

        return gettext(self.message) if self.message else self.message


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
