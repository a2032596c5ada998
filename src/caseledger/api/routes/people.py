"""People and departments, for administrators (token scopes `users:read`, `users:write`).
Each endpoint parses, calls one service or query, and renders. Passwords never pass
through the API (the web and the CLI show a generated one once, to a person)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from caseledger.accounts import services as accounts
from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import department_by, user_by
from caseledger.api.auth import actor
from caseledger.api.pagination import paginate
from caseledger.api.schemas import ErrorOut, Flag
from caseledger.workflow import queries
from caseledger.workflow.services import user_deactivate

router = Router(tags=["people"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
READ = "Needs user.view (administrators; token scope `users:read`)."
WRITE = "Needs user.manage (administrators; token scope `users:write`). Journaled."


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool
    # true: the public complaint form files here; false: closed here by an administrator;
    # null: nobody chose (the only department takes it). CASELEDGER_FORM_DEPARTMENT overrides.
    public_form: bool | None = None
    members: int = 0
    open_cases: int = 0
    queue: int = 0


class DepartmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    code: str
    name: str


class DepartmentPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    is_active: Flag | None = None
    public_form: Flag | None = None
    reason: str = ""


class PersonReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    roles: list[str]
    department: str | None
    supervised_departments: list[str]
    is_active: bool
    last_login: dt.datetime | None
    open_cases: int = 0
    active_tokens: int = 0


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


class DepartmentPage(Schema):
    items: list[DepartmentOut]
    next_cursor: str | None


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class UserQuery(PageQuery):
    active: bool | None = Field(None, description="true: active people only; false: inactive")


class UserIn(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str
    roles: list[str]
    department: str | None = None
    supervised_departments: list[str] = []
    email: str = ""
    full_name: str = ""


class UserPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    roles: list[str] | None = None
    department: str | None = None
    supervised_departments: list[str] | None = None
    email: str | None = None
    full_name: str | None = None
    reason: str = ""


class DeactivateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str
    successor: str | None = None


class DeactivateOut(Schema):
    user: UserOut
    successor: str | None
    moved: list[dict[str, Any]]
    tokens_revoked: int
    sessions_ended: int


def _dept_out(department, counts: dict | None = None) -> dict[str, Any]:
    counts = counts or {}
    return {
        "id": department.pk,
        "code": department.code,
        "name": department.name,
        "is_active": department.is_active,
        "public_form": department.public_form,
        **{k: counts.get(k, 0) for k in ("members", "open_cases", "queue")},
    }


def _user_out(user, open_cases: int = 0, active_tokens: int = 0) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.first_name,
        "email": user.email,
        "roles": list(user.roles),
        "department": user.department.code if user.department_id else None,
        "supervised_departments": sorted(d.code for d in user.supervised_departments.all()),
        "is_active": user.is_active,
        "last_login": user.last_login,
        "open_cases": open_cases,
        "active_tokens": active_tokens,
    }


def _one_user(request, user) -> dict[str, Any]:
    people = queries.people_list(actor=actor(request)).filter(pk=user.pk)
    row = queries.people_rows(people)[0]
    return _user_out(row.user, row.open_cases, row.active_tokens)


LISTED = " Active first, by name; pages follow `next_cursor` until it is null."


@router.get("/departments", response={200: DepartmentPage, **ERRORS}, description=READ + LISTED)
def list_departments(request: HttpRequest, params: Query[PageQuery]) -> Any:
    qs = queries.department_list(actor=actor(request))
    page = paginate(qs, cursor=params.cursor, limit=params.limit)
    rows = queries.department_rows(page.items)
    return {"items": [_dept_out(r["department"], r) for r in rows], "next_cursor": page.next_cursor}


@router.post("/departments", response={201: DepartmentOut, **ERRORS}, description=WRITE)
def create_department(request: HttpRequest, payload: DepartmentIn) -> Any:
    department = accounts.department_create(
        actor=actor(request), code=payload.code, name=payload.name
    )
    return Status(201, _dept_out(department))


@router.patch("/departments/{ref}", response={200: DepartmentOut, **ERRORS}, description=WRITE)
def update_department(request: HttpRequest, ref: str, payload: DepartmentPatch) -> Any:
    user = actor(request)
    require(user, Perm.DEPARTMENT_MANAGE)
    data = payload.dict(exclude_unset=True, exclude={"reason"})
    department = accounts.department_update(
        actor=user, department=department_by(ref), data=data, reason=payload.reason
    )
    return _dept_out(department)


@router.post(
    "/departments/{ref}/deactivate",
    response={200: DepartmentOut, **ERRORS},
    description="Refused (422) while active people still work in it. " + WRITE,
)
def deactivate_department(request: HttpRequest, ref: str, payload: PersonReasonIn) -> Any:
    user = actor(request)
    require(user, Perm.DEPARTMENT_MANAGE)
    department = accounts.department_deactivate(
        actor=user, department=department_by(ref), reason=payload.reason
    )
    return _dept_out(department)


@router.get("/users", response={200: UserPage, **ERRORS}, description=READ + LISTED)
def list_users(request: HttpRequest, params: Query[UserQuery]) -> Any:
    qs = queries.people_list(actor=actor(request))
    if params.active is not None:
        qs = qs.filter(is_active=params.active)
    page = paginate(qs, cursor=params.cursor, limit=params.limit)
    rows = queries.people_rows(page.items)
    return {
        "items": [_user_out(r.user, r.open_cases, r.active_tokens) for r in rows],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/users",
    response={201: UserOut, **ERRORS},
    description="Adds a person who cannot log in yet: credentials never travel over the "
    "API; an administrator hands them over from the web page or the CLI. " + WRITE,
)
def create_user(request: HttpRequest, payload: UserIn) -> Any:
    user = actor(request)
    require(user, Perm.USER_MANAGE)
    person = accounts.user_create(
        actor=user,
        username=payload.username,
        password=None,
        roles=payload.roles,
        department=department_by(payload.department) if payload.department else None,
        supervised=[department_by(d) for d in payload.supervised_departments],
        email=payload.email,
        full_name=payload.full_name,
    )
    return Status(201, _one_user(request, person))


@router.patch("/users/{ref}", response={200: UserOut, **ERRORS}, description=WRITE)
def update_user(request: HttpRequest, ref: str, payload: UserPatch) -> Any:
    user = actor(request)
    require(user, Perm.USER_MANAGE)
    data: dict[str, Any] = payload.dict(exclude_unset=True, exclude={"reason"})
    if "department" in data:
        data["department"] = department_by(data["department"]) if data["department"] else None
    if "supervised_departments" in data:
        data["supervised_departments"] = [
            department_by(d) for d in data["supervised_departments"] or []
        ]
    person = accounts.user_update(actor=user, user=user_by(ref), data=data, reason=payload.reason)
    return _one_user(request, person)


@router.post(
    "/users/{ref}/deactivate",
    response={200: DeactivateOut, **ERRORS},
    description="Offboarding: open cases and privacy requests go to the successor where "
    "they may work them, else to the department queue; holds and disposition proposals go "
    "to the successor (422 when there is none who may take them); tokens revoked, sessions "
    "ended, one journal entry per moved item. " + WRITE,
)
def deactivate_user(request: HttpRequest, ref: str, payload: DeactivateIn) -> Any:
    user = actor(request)
    require(user, Perm.USER_MANAGE)
    successor = user_by(payload.successor, field="successor") if payload.successor else None
    result = user_deactivate(
        actor=user, user=user_by(ref), successor=successor, reason=payload.reason
    )
    return {
        "user": _one_user(request, result.user),
        "successor": successor.username if successor else None,
        "moved": result.moved,
        "tokens_revoked": result.tokens_revoked,
        "sessions_ended": result.sessions_ended,
    }
