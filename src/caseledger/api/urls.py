"""/api/v1/: the ninja API, its docs assets, and JSON answers for every other path under it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path

from caseledger.api.app import api
from caseledger.api.docs import docs_asset
from caseledger.api.errors import error_response, unknown_route


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(
                405, "method_not_allowed", f"{request.method} is not allowed here; use {allowed}"
            )
            response["Allow"] = allowed
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


def _api_patterns() -> tuple[list, str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_not_allowed(pattern.callback)
    patterns.append(path("docs/assets/<str:name>", docs_asset, name="docs-asset"))
    return patterns, app_name, namespace


urlpatterns: list = [
    path("api/v1/", _api_patterns()),
    re_path(r"^api/v1/(?P<rest>.*)$", unknown_route),
]
