"""Replies to the customer (intake.reply.services): recorded once, seen on the status page,
e-mailed when the customer has an address and `email` is not false."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut, Flag, NoteOut, Strict
from caseledger.cases.models import NoteKind
from caseledger.cases.queries import case_get
from caseledger.core.errors import NotFound
from caseledger.intake.mail.queries import reply_messages
from caseledger.intake.reply.services import Email, Reply, reply_retry, reply_send
from caseledger.vault.masking import mask_email

router = Router(tags=["cases"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
EmailState = Literal["sent", "failed", "pending", "not_requested", "no_address"]


class ReplyIn(Strict):
    body: str = Field(description="the reply, up to 20000 characters")
    email: Flag = Field(True, description="also send it by e-mail (false: e.g. given by phone)")
    to: str = Field("", description="address to e-mail; default the customer's own")
    channel: Literal["", "web_form", "phone", "in_person", "social_media"] = Field(
        "", description="how a reply that is not e-mailed reached the customer"
    )


class ReplyOut(Schema):
    note: NoteOut
    email: EmailState = Field(description="what became of the e-mail copy")
    email_id: int | None = Field(None, description="the e-mail's id, for /retry when failed")
    to: str = Field("", description="the recipient, masked")
    reason: str = Field("", description="why the e-mail was not sent")


def _out(note: Any, email: str, message: Any) -> SimpleNamespace:
    return SimpleNamespace(
        note=note,
        email=email,
        email_id=message.pk if message is not None else None,
        to=mask_email(message.address) if message is not None else "",
        reason=message.reason if message is not None else "",
    )


def _reply(reply: Reply) -> dict:
    out = _out(reply.note, reply.email, reply.message)
    return ReplyOut.from_orm(out).model_dump(mode="json")


@router.post(
    "/cases/{case_id}/replies",
    response={201: ReplyOut, **ERRORS},
    summary="Reply to the customer",
    openapi_extra=idempotency.OPENAPI,
)
def add_reply(request: HttpRequest, case_id: str, payload: ReplyIn) -> HttpResponse:
    """Records the reply once (an outbound note the customer sees on the status page) and,
    unless `email` is false, e-mails it with the case reference in the subject. A refused
    e-mail still answers 201, with `email: "failed"` and the `reason`: the reply is kept;
    send it again with `POST …/replies/{email_id}/retry`. Needs `cases:write`."""
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    data = payload.model_dump()
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=_reply,
        make=lambda: reply_send(actor=user, case=case, **data),
    )


@router.get(
    "/cases/{case_id}/replies",
    response={200: list[ReplyOut], **ERRORS},
    summary="A case's replies to the customer, oldest first",
)
def list_replies(request: HttpRequest, case_id: str) -> list[SimpleNamespace]:
    case = case_get(actor=actor(request), case_id=case_id)
    mails = reply_messages(case.pk)
    notes = case.notes.filter(kind=NoteKind.OUTBOUND).select_related("case", "author")
    out = []
    for note in notes.order_by("created_at", "id"):
        mail = mails.get(note.pk)
        state = mail.outcome if mail is not None else Email.NOT_REQUESTED
        out.append(_out(note, state, mail))
    return out


@router.post(
    "/cases/{case_id}/replies/{email_id}/retry",
    response={200: ReplyOut, **ERRORS},
    summary="Send a reply's failed e-mail again",
)
def retry_reply(request: HttpRequest, case_id: str, email_id: int) -> SimpleNamespace:
    """Only an e-mail whose outcome is `failed` (409 otherwise); sends the same message."""
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    message = reply_messages(case.pk)
    row = next((m for m in message.values() if m.pk == email_id), None)
    if row is None:
        raise NotFound(_("no such reply e-mail on this case"), field="email_id")
    reply = reply_retry(actor=user, message=row)
    return _out(reply.note, reply.email, reply.message)
