"""The REST API, /api/v1/. OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from caseledger.accounts.permissions import TOKEN_SCOPES
from caseledger.api import errors
from caseledger.api.auth import BearerToken, as_api
from caseledger.api.docs import OfflineSwagger
from caseledger.api.parser import JsonBody
from caseledger.api.routes import actions as actions_routes
from caseledger.api.routes import archive as archive_routes
from caseledger.api.routes import (
    assignment,
    cases,
    clocks,
    customers,
    dispositions,
    imports,
    intake,
    journal,
    people,
    privacy,
    queue,
    replies,
    retention,
)
from caseledger.api.routes import classify as classify_routes
from caseledger.api.routes import insights as insights_routes
from caseledger.api.routes import knowledge as knowledge_routes
from caseledger.api.routes import notify as notify_routes
from caseledger.api.routes import quality as quality_routes
from caseledger.api.routes import restriction as restriction_routes
from caseledger.api.routes import reviews as reviews_routes
from caseledger.api.routes import search as search_routes
from caseledger.api.routes import templates as templates_routes

_SCOPES = ", ".join(f"`{name}`" for name in TOKEN_SCOPES)

DESCRIPTION = """\
The caseledger REST API.

* **Authentication**: `Authorization: Bearer <token>`. A token's scopes (<scopes>)
  narrow what its owner's roles allow; they never widen them. Recording a case names a
  customer, so it needs `customers:read` as well as `cases:write`.
* **Errors** are always `{"error": {"code", "field", "message", "errors": [...]}}` with the
  HTTP status: 401 no or bad token, 403 not allowed, 404 missing or not visible to you,
  409 conflict (stale `version`, reused idempotency key), 422 invalid input.
* **Idempotency**: every create accepts an `Idempotency-Key` header (up to 200 characters,
  kept 24 hours, per user). Repeating the request with the same key and body returns the
  first response (header `Idempotent-Replayed: true`) and creates nothing; the same key
  with another body or path is refused with 409 `idempotency_key_reused`. Only successful
  creates use up a key.
* **Pagination**: lists return `{"items", "next_cursor"}`; pass `cursor=<next_cursor>`
  until it is null. `limit` is 1 to 200, default 50. Cursors are keyset cursors, stable while
  records are added, valid only for the sort they were made with.
* **Times** are ISO 8601; responses give UTC (`Z`); inputs must carry an offset. Dates and
  times fall between 1900-01-01 and 2999-12-31 (UTC); others are refused with 422.
""".replace("<scopes>", _SCOPES)


def build() -> NinjaAPI:
    api = NinjaAPI(
        title="caseledger",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api-v1",
        auth=BearerToken(),
        docs=OfflineSwagger(),
        parser=JsonBody(),
    )
    errors.install(api)
    api.add_decorator(as_api, mode="view")
    api.add_router("", cases.router)
    api.add_router("", replies.router)
    api.add_router("", customers.router)
    api.add_router("", intake.router)
    api.add_router("", imports.router)
    api.add_router("", journal.router)
    api.add_router("", privacy.router)
    api.add_router("", retention.router)
    api.add_router("", restriction_routes.router)
    api.add_router("", dispositions.router)
    api.add_router("", archive_routes.router)
    api.add_router("", search_routes.router)
    api.add_router("", knowledge_routes.router)
    api.add_router("", classify_routes.router)
    api.add_router("", quality_routes.router)
    api.add_router("", people.router)
    api.add_router("", clocks.router)
    api.add_router("", templates_routes.router)
    api.add_router("", queue.router)
    api.add_router("", assignment.router)
    api.add_router("", insights_routes.router)
    api.add_router("", reviews_routes.router)
    api.add_router("", actions_routes.router)
    api.add_router("", notify_routes.router)
    return api


api = build()
