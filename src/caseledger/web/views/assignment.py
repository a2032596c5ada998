"""Assignment in the web UI: the rules and who sees phones in full (administration), the
absence calendar (one's own, or anyone's for administrators), the customer's phone on a
case page for a call back (journaled as a look)."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.accounts.access import can
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm, Role
from caseledger.accounts.queries import granted, user_by
from caseledger.cases.models import Channel
from caseledger.cases.queries import case_get
from caseledger.cases.taxonomy import category_codes
from caseledger.core.errors import CaseledgerError, NotFound, PermissionDenied
from caseledger.core.ids import is_id
from caseledger.web.filters_text import role_label
from caseledger.web.viewing import AuthedRequest, page_of, web_view
from caseledger.workflow.assign import absences, rules
from caseledger.workflow.assign.queries import absence_list, rule_list
from caseledger.workflow.models import Absence, AssignmentRule, AssignStrategy, Visibility
from caseledger.workflow.visibility import services as visibility
from caseledger.workflow.visibility.queries import FIELDS, visibility_list


@web_view
def assignment_view(request: AuthedRequest) -> HttpResponseBase:
    context = {
        "rules": page_of(request, rule_list(actor=request.user), param="rules"),
        "visibility": [
            (role, role_label(role), field, scope)
            for (role, field), scope in sorted(visibility_list(actor=request.user).items())
        ],
        "absences": page_of(request, absence_list(actor=request.user), param="absences"),
        "departments": Department.objects.filter(is_active=True).order_by("name"),
        "categories": category_codes(),
        "channels": Channel.choices,
        "strategies": AssignStrategy.choices,
        "scopes": Visibility.choices,
        "roles": [(r.value, role_label(r.value)) for r in Role],
        "fields": FIELDS,
    }
    return render(request, "web/administration/assignment.html", context)


def _rule(pk: str) -> AssignmentRule:
    found = AssignmentRule.objects.filter(pk=pk).first() if is_id(pk) and len(pk) < 19 else None
    if found is None:
        raise NotFound(_("assignment rule %(pk)s does not exist") % {"pk": pk}, field="rule")
    return found


@web_view
@require_POST
def assignment_act(request: AuthedRequest, verb: str) -> HttpResponseBase:
    post = request.POST
    try:
        if verb == "rule":
            keys = ("name", "department", "position", "category", "channel", "product_ref")
            data = {k: post[k] for k in (*keys, "strategy") if post.get(k)}
            rules.assign_rule_set(actor=request.user, data=data)
        elif verb == "rule_remove":
            rules.assign_rule_remove(
                actor=request.user, rule=_rule(post.get("rule", "")), reason=post.get("reason", "")
            )
        elif verb == "visibility":
            visibility.visibility_set(
                actor=request.user,
                role=post.get("role", ""),
                field=post.get("field", ""),
                scope=post.get("scope", ""),
                reason=post.get("reason", ""),
            )
        else:
            raise NotFound(_("nothing to do"), field="verb")
        messages.success(request, _("Saved."))
    except PermissionDenied:
        raise
    except CaseledgerError as exc:
        messages.error(request, exc.shown())
    return redirect("web:assignment")


@web_view
def absences_view(request: AuthedRequest) -> HttpResponseBase:
    """One's own absences; administrators record anyone's (the user field)."""
    admin = can(request.user, Perm.USER_MANAGE)
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("cancel"):
                found = (
                    Absence.objects.filter(pk=post["cancel"]).first()
                    if is_id(post["cancel"]) and len(post["cancel"]) < 19
                    else None
                )
                if found is None:
                    raise NotFound(_("absence %(pk)s does not exist") % {"pk": post["cancel"]})
                absences.absence_cancel(actor=request.user, absence=found)
            else:
                who = user_by(post["user"]) if admin and post.get("user") else request.user
                data = {k: post.get(k, "") for k in ("starts_on", "ends_on", "reason")}
                absences.absence_add(actor=request.user, user=who, data=data)
            messages.success(request, _("Saved."))
        except PermissionDenied:
            raise
        except CaseledgerError as exc:
            messages.error(request, exc.shown())
        return redirect("web:absences")
    rows = absence_list(actor=request.user, user=None if admin else request.user)
    # Absences decide who the rules give cases to: the people who may work cases.
    people = (
        User.objects.filter(granted(Perm.CASE_MODIFY, None), is_active=True)
        .distinct()
        .order_by("username")
        if admin
        else []
    )
    return render(
        request, "web/absences.html", {"absences": rows, "admin": admin, "people": people}
    )


@web_view
@require_POST
def case_phone(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The customer's full phone numbers with tel: links, journaled as a look."""
    from caseledger.web.views.cases import detail_context

    case = case_get(actor=request.user, case_id=pk)
    try:
        shown = visibility.case_contact_show(actor=request.user, case=case, field="phone")
    except PermissionDenied as exc:
        messages.error(request, exc.shown())
        return redirect("web:case_detail", pk=pk)
    if not shown:
        messages.info(request, _("The customer has no phone number on record."))
    return render(request, "web/cases/detail.html", detail_context(request, case, phones=shown))
