"""Every API failure as one JSON shape: {"error": {code, field, message, errors}}.

`code` and `field` are for programs and never change; `message` is for people, in the
language the client asks for with Accept-Language (Django's LocaleMiddleware; the configured
CASELEDGER_LANGUAGE when it sends none), as the web pages are.

`errors` always lists each field problem (a single validation error lists itself), so a
client can show them all without special cases.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from caseledger.core.errors import CaseledgerError, Throttled, ValidationFailed

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}
_PYDANTIC_CODES = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "literal_error": "invalid_choice",
    "enum": "invalid_choice",
}


def error_body(
    code: str, message: str, field: str | None = None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "field": field, "message": message, "errors": errors or []}}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> JsonResponse:
    response = JsonResponse(error_body(code, message, field, errors), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="caseledger"'
    return response


def _caseledger_error(request: HttpRequest, exc: CaseledgerError) -> HttpResponse:
    errors: list[dict[str, Any]] = []
    if isinstance(exc, ValidationFailed):
        errors = [e.as_dict() for e in exc.errors] or [exc.as_dict()]
        for item in errors:
            item.pop("errors", None)
    response = error_response(exc.http_status, exc.code, exc.shown(), exc.field, errors)
    if isinstance(exc, Throttled) and exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


def field_name(loc: tuple | list) -> str:
    """("body", "payload", "contact_points", 0, "value") -> "contact_points[0].value"."""
    parts = list(loc[1:])
    if loc and loc[0] == "body" and parts and parts[0] == "payload":
        parts = parts[1:]
    if loc and loc[0] == "file" and len(parts) > 1:
        parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or str(loc[0] if loc else "body")


def _schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, str]] = []
    for item in exc.errors:
        name = field_name(item.get("loc", ()))
        code = _PYDANTIC_CODES.get(item.get("type", ""), "invalid")
        message = (
            _("is required")
            if code == "required"
            else (
                _("is not a field that can be set here")
                if code == "unknown_field"
                else item.get("msg", _("is invalid"))
            )
        )
        errors.append({"code": code, "field": name, "message": message})
    if not errors:
        return error_response(422, "invalid", _("the request is invalid"))
    message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return error_response(422, errors[0]["code"], message, errors[0]["field"], errors)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = exc.message
    if isinstance(exc, AuthenticationError):
        message = _("a valid bearer token is required (Authorization: Bearer <token>)")
    return error_response(
        exc.status_code,
        _HTTP_CODES.get(exc.status_code, "error"),
        message,
        "authorization" if exc.status_code == 401 else None,
    )


def _unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A multipart body without a boundary, or cut short: the client's fault, said plainly.
    return error_response(
        400, "bad_request", _("the request body could not be read: %(why)s") % {"why": exc}, "body"
    )


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", _("not found"))


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The details go to the log, never to the client.
    logger.exception("api request failed", extra={"path": request.path})
    return error_response(500, "server_error", _("the server failed to answer; it has been logged"))


def install(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Any]] = [
        (CaseledgerError, _caseledger_error),
        (NinjaValidationError, _schema_error),
        (HttpError, _http_error),
        (Http404, _not_found),
        (MultiPartParserError, _unreadable_body),
        (Exception, _server_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def unknown_route(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(
        404, "not_found", _("no API endpoint at %(path)s") % {"path": request.path}
    )


class VersionRequired(CaseledgerError):
    """A change sent without the version it was based on would silently overwrite whatever
    someone else saved meanwhile: refused with 428 Precondition Required."""

    code = "version_required"
    http_status = 428


def require_version(version: int | None, what: str) -> None:
    if version is None:
        raise VersionRequired(
            _(
                "send the `version` of the %(what)s you read (GET it first): without it a "
                "change saved by someone else meanwhile would be overwritten"
            )
            % {"what": what},
            field="version",
        )
