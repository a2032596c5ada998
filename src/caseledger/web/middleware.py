"""A one-time password is replaced before anything else: while the signed-in user must
change their password (the first administrator's printed one), every web page leads to the
change-password page. API tokens are not affected: they never carry that password."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

OPEN_PREFIXES = ("/api/", "/static/", "/healthz", "/i18n/")  # the language picker too


class PasswordChangeRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path_info.startswith(OPEN_PREFIXES)
        ):
            change, logout = reverse("web:password_change"), reverse("web:logout")
            if request.path_info not in (change, logout):
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = change
                    return response
                return redirect(change)
        return self.get_response(request)
