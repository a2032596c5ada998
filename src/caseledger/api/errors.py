"""Every API failure as one JSON shape: {"error": {code, field, message, errors}}.

`code` and `field` are for programs and never change; `message` is for people, in the
language the client asks for with Accept-Language (Django's LocaleMiddleware; the configured
CASELEDGER_LANGUAGE when it sends none), as the web pages are.

`errors` always lists each field problem (a single validation error lists itself), so a
client can show them all without special cases.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from caseledger.api import schema_errors
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


def _schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = schema_errors.field_errors(list(exc.errors))
    if not errors:
        return error_response(422, "invalid", _("the request is invalid"))
    message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return error_response(422, errors[0]["code"], message, errors[0]["field"], errors)


def _unreadable_json(request: HttpRequest, cause: BaseException | None) -> HttpResponse | None:
    """ninja answers any failure to read a JSON body with an English 400 "Cannot parse request
    body"; the cause (api/parser.py) says which, in the reader's language."""
    if isinstance(cause, CaseledgerError):
        return _caseledger_error(request, cause)
    if isinstance(cause, UnicodeDecodeError):
        message = _("the request body is not UTF-8 text (byte %(at)s)") % {"at": cause.start}
    elif isinstance(cause, json.JSONDecodeError):
        message = _("the request body is not valid JSON (line %(line)s, column %(column)s)") % {
            "line": cause.lineno,
            "column": cause.colno,
        }
    elif isinstance(cause, RecursionError):
        message = _("the request body's JSON is nested too deeply")
    elif isinstance(cause, ValueError):  # a number too long to read
        message = _("the request body holds a value JSON cannot carry here: %(why)s") % {
            "why": cause
        }
    else:
        return None
    return error_response(400, "bad_request", message, "body")


def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(
        413,
        "too_large",
        _("the request body is larger than %(max)s bytes")
        % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        "body",
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        answer = _unreadable_json(request, exc.__cause__)
        if answer is not None:
            return answer
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
        (RequestDataTooBig, _too_large),
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
