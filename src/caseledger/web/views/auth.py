from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.accounts.services import user_set_password
from caseledger.accounts.throttle import locked_until
from caseledger.core.errors import ValidationFailed
from caseledger.web.viewing import AuthedRequest, apply_errors, web_view


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What a locked-out sign-in sees (AXES_LOCKOUT_CALLABLE): the sign-in page, saying in
    the reader's language why and until when; the same words whether or not the account
    exists, so the page tells a guesser nothing."""
    until = locked_until(request, credentials)
    form = AuthenticationForm(request)
    if until is not None:
        message = _(
            "Too many failed sign-ins for this account or from this address. Signing in is "
            "locked until %(time)s; try again then, or ask an administrator to unlock it."
        ) % {"time": formats.time_format(timezone.localtime(until), "H:i")}
    else:
        message = _(
            "Too many failed sign-ins for this account or from this address. Signing in is "
            "locked; ask an administrator to unlock it."
        )
    context = {"form": form, "lockout": message, "next": request.POST.get("next", "")}
    response = render(request, "web/login.html", context, status=429)
    if until is not None:
        # axes keeps its attempts on the wall clock, not on caseledger's injected one.
        response["Retry-After"] = str(max(1, int((until - timezone.now()).total_seconds())))  # noqa: TID251
    return response


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def home(request):
    """Cases for the people who work them; the administration area for administrators."""
    user = request.user
    if user.is_authenticated and not can(user, Perm.CASE_VIEW) and can(user, Perm.USER_VIEW):
        return redirect("web:administration")
    return redirect("web:case_list")


@web_view
def password_change(request: AuthedRequest) -> HttpResponseBase:
    """Change one's own password (the first administrator's is a one-time password)."""
    form = PasswordChangeForm(user=request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(
                actor=request.user, user=request.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationFailed as exc:
            apply_errors(form, exc, aliases={"password": "new_password1"})
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            # The start page for this person's roles: an administrator cannot see cases.
            return redirect("web:home")
    status = 422 if form.errors else 200
    return render(request, "web/password.html", {"form": form}, status=status)
