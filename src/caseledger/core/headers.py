"""Security headers on every response: the Content-Security-Policy, and cookies marked
Secure whenever the request came over HTTPS (docs/operations/security.md).

HSTS itself is Django's SecurityMiddleware (SECURE_HSTS_SECONDS), which sends it only over
HTTPS; behind a proxy, CASELEDGER_PROXY_COUNT makes Django trust X-Forwarded-Proto.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        if request.is_secure():
            # Session, CSRF and language cookies alike: none may travel over plain HTTP.
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
