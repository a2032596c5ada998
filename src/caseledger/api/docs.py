"""The interactive API docs, served with the Swagger UI files django-ninja ships.

Ninja's own page loads Swagger from a CDN unless `ninja` is an installed app; caseledger
must work without network access, so this page and its three assets are served from here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.html import escape
from ninja.openapi.docs import DocsBase

from caseledger.api.errors import error_response

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
}
_ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"

_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<link rel="stylesheet" href="{css}">
<title>{title}</title>
</head>
<body>
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""


class OfflineSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name})

        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        html = _PAGE.format(
            css=asset("swagger-ui.css"),
            bundle=asset("swagger-ui-bundle.js"),
            init=asset("swagger-ui-init.js"),
            title=escape(api.title),
            settings=json.dumps(settings).replace("<", "\\u003c"),
        )
        return HttpResponse(html)


def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in ASSETS:
        return error_response(404, "not_found", f"no docs asset {name!r}")
    response = FileResponse((_ASSET_DIR / name).open("rb"), content_type=ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response
