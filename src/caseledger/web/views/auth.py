from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.accounts.services import user_set_password
from caseledger.core.errors import ValidationFailed
from caseledger.web.viewing import AuthedRequest, apply_errors, web_view


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
            return redirect("web:case_list")
    status = 422 if form.errors else 200
    return render(request, "web/password.html", {"form": form}, status=status)
