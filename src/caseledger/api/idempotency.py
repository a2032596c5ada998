"""Idempotency-Key on creates: a retried request gets the first answer, never a second object.

Guarantees: the key is stored in the same transaction as the object it made, so either both
exist or neither. Concurrent requests with one key serialize on the journal's write lock
(write_transaction) and the second one finds the first one's key; the unique (user, key)
constraint is the last line if anything slips past. Only successful creates store a key:
a refused request leaves nothing, so the client may fix the body and retry with the same key.
Keys are per user and live 24 hours (queries.KEY_LIFETIME).

The fingerprint of a JSON request is the sha256 of its canonical JSON (so key order and
whitespace do not matter); of an upload, the sha256 of file name, content type and content
(multipart boundaries differ on every retry).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.responses import NinjaJSONEncoder

from caseledger.api.auth import actor
from caseledger.api.models import IdempotencyKey
from caseledger.api.queries import idempotency_find
from caseledger.api.services import idempotency_record
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.journal.canonical import canonical_json
from caseledger.journal.services import write_transaction

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
OPENAPI = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_KEY_LENGTH,
                "pattern": r"\S",
            },
            "description": "Repeat a create safely: the same key and body within 24 hours return "
            "the first response; another body or path gets 409.",
        }
    ],
}


def body_of(schema: Any, data: Any) -> Any:
    """`data` as ninja itself answers it under `schema` (times to the millisecond), for a
    `render`: a create's first answer and its replays then read like the GET of the record."""
    return json.loads(json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder))


def json_fingerprint(request: HttpRequest) -> str:
    try:
        text = canonical_json(json.loads(request.body or b"null"))
    except ValueError:
        return hashlib.sha256(request.body).hexdigest()
    return hashlib.sha256(text.encode()).hexdigest()


def parts_fingerprint(*parts: str) -> str:
    return hashlib.sha256(canonical_json(list(parts)).encode()).hexdigest()


def _key(request: HttpRequest) -> str | None:
    if HEADER not in request.headers:
        return None
    raw = request.headers[HEADER]
    key = raw.strip()
    if not key or len(raw) > MAX_KEY_LENGTH:
        raise ValidationFailed(
            _("must be 1 to %(max)s characters") % {"max": MAX_KEY_LENGTH},
            field=HEADER,
            code="invalid",
        )
    return key


def _replay(stored: IdempotencyKey, request: HttpRequest, fingerprint: str) -> HttpResponse:
    if (stored.method, stored.path) != (request.method, request.path):
        raise Conflict(
            _(
                "this key was used for %(stored_method)s %(stored_path)s; use a new key for a new request"
            )
            % {"stored_method": stored.method, "stored_path": stored.path},
            field=HEADER,
            code="idempotency_key_reused",
        )
    if stored.request_sha256 != fingerprint:
        raise Conflict(
            _("this key was used with a different request body; use a new key for a new request"),
            field=HEADER,
            code="idempotency_key_reused",
        )
    response = JsonResponse(stored.response_body, status=stored.response_status, safe=False)
    response["Idempotent-Replayed"] = "true"
    return response


def create(
    request: HttpRequest,
    *,
    fingerprint: str,
    make: Callable[[], Any],
    render: Callable[[Any], dict],
    status: int = 201,
) -> HttpResponse:
    """Run `make` (one service call) once per key and answer with `render` of its result."""
    key = _key(request)
    if key is None:
        return JsonResponse(render(make()), status=status)
    user = actor(request)
    stored = idempotency_find(user=user, key=key)
    if stored is not None:
        return _replay(stored, request, fingerprint)
    body = None
    try:
        with write_transaction():
            # Holding the write lock now: a request with this key that got here first has
            # committed, and its key is visible.
            stored = idempotency_find(user=user, key=key)
            if stored is None:
                body = render(make())
                idempotency_record(
                    user=user,
                    key=key,
                    method=request.method or "POST",
                    path=request.path,
                    request_sha256=fingerprint,
                    status=status,
                    body=body,
                )
    except IntegrityError:
        stored = idempotency_find(user=user, key=key)
        if stored is None:
            raise
    if stored is not None:
        return _replay(stored, request, fingerprint)
    return JsonResponse(body, status=status)
