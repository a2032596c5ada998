"""The journal history of one object."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from caseledger.api.schemas.base import (
    InTime,
    UtcTime,
)


class HistoryEntryOut(Schema):
    seq: int
    at: UtcTime
    actor: str = Field(description="username, or system")
    via: str
    action: str
    object_type: str
    object_id: str
    reason: str
    changes: dict[str, Any] | None = Field(description="field -> [before, after]")
    redacted: bool

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return obj.actor_name


class HistoryOut(Schema):
    object: str = Field(description="object_type:object_id")
    as_of: UtcTime | None
    state: dict[str, Any] | None = Field(
        description="the object's full state now, or as of `as_of`"
    )
    items: list[HistoryEntryOut]


class HistoryQuery(Schema):
    as_of: InTime | None = Field(
        None, description="ISO 8601 with offset: entries up to and the state at that moment"
    )
